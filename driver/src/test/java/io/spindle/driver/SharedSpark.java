package io.spindle.driver;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands every test the one {@link SparkSession} of this test JVM
 * ({@code local[2]}, loopback only, quiet UI-less). Use with {@code @ExtendWith(SharedSpark.class)}
 * and a {@code SparkSession} parameter.
 */
public final class SharedSpark implements ParameterResolver {

    private static SparkSession session;

    /** @return the JVM-wide test session, created on first use */
    public static synchronized SparkSession session() {
        if (session == null) {
            SparkSession.Builder b = SparkSession.builder()
                    .master("local[2]")
                    .appName("spindle-tests")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4");
            // the settings the CLI's sessions start with (Delta, FAIR pools, direct results, ...)
            io.spindle.driver.job.SparkSettings.defaults(k -> java.util.Optional.empty()).forEach(b::config);
            session = b
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return session();
    }
}
