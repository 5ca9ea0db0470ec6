package io.spindle.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The example application runs on the bundled digits as Parquet, and the README shows its code as it is. */
@ExtendWith(SharedSpark.class)
class DigitsClassifierTest {

    static Path root() {
        Path p = Paths.get("").toAbsolutePath();
        while (!Files.isRegularFile(p.resolve("README.md")) || !Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        return p;
    }

    @Test
    void theExampleFitsEvaluatesSavesAndLoads(SparkSession spark, @TempDir Path tmp) throws IOException {
        String parquet = tmp.resolve("digits.parquet").toString();
        spark.read().option("header", "true").option("inferSchema", "true")
                .csv(root().resolve("conf/datasets/digits.csv").toString()).write().parquet(parquet);
        double[] accuracy = DigitsClassifier.run(spark, parquet, tmp.resolve("model").toString());
        assertTrue(accuracy[0] > 0.9, "test accuracy " + accuracy[0]);
        assertEquals(accuracy[0], accuracy[1], 0.0, "the loaded model scores as the fitted one");
        assertTrue(Files.isRegularFile(tmp.resolve("model/data/model.zip")));
        assertTrue(Files.isRegularFile(tmp.resolve("model/metadata/part-00000")));
    }

    @Test
    void theReadmeShowsTheExamplesCode() throws IOException {
        String source = Files.readString(root().resolve(
                "examples/src/main/java/io/spindle/examples/DigitsClassifier.java"));
        Matcher m = Pattern.compile("// README:start\n(.*?)\n\\s*// README:end", Pattern.DOTALL).matcher(source);
        assertTrue(m.find(), "markers in the example");
        String code = m.group(1).stripIndent().strip();
        String readme = Files.readString(root().resolve("README.md"));
        assertTrue(readme.contains("```java\n" + code + "\n```"),
                "README.md's \"Use from Java / Spark\" section must show the example's code between its README markers:\n"
                        + code);
    }
}
