package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.driver.spec.JobSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CaseSpecTest {

    private static final Path MNIST = Path.of("..", "conf", "datasets", "mnist10k.csv.gz");

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {false, true})
    void theClusterSpecTrainsLikeTheLocalOneOnTheWrittenRows(boolean quick) {
        BenchCase c = BenchCase.defaults(quick).get(0);
        JobSpec local = CaseSpec.spec(c, MNIST, 12, OptionalInt.of(31), "none");
        Path train = Path.of("out dir", "it's", "train.csv.gz");
        Path test = Path.of("out dir", "it's", "test.csv.gz");
        List<String> classes = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        JobSpec cluster = CaseSpec.parse(CaseSpec.clusterYaml(c, train, test, classes, 12, 31, "none"), c.name());
        assertEquals(local.model(), cluster.model());
        assertEquals(local.training(), cluster.training());
        assertEquals(local.cluster(), cluster.cluster());
        assertEquals(train.toAbsolutePath().toString(), cluster.data().path());
        assertEquals(Optional.of(test.toAbsolutePath().toString()), cluster.data().validationPath());
        assertEquals(Optional.of(test.toAbsolutePath().toString()), cluster.data().testPath());
        assertEquals(classes, cluster.data().classes());
        assertEquals(local.data().normalize(), cluster.data().normalize());
        assertEquals(local.data().label(), cluster.data().label());
    }

    @ParameterizedTest(name = "averaging period {0}")
    @ValueSource(ints = {1, 8, 63})
    void theClusterSpecCarriesTheLocalRunsAveragingPeriodAndEpochs(int period) {
        BenchCase c = BenchCase.defaults(false).get(0);
        JobSpec cluster = CaseSpec.parse(CaseSpec.clusterYaml(c, Path.of("a.csv"), Path.of("b.csv"), List.of("0", "1"), 5,
                period, "none"), c.name());
        assertEquals(Optional.of(period), cluster.cluster().averagingPeriod());
        assertEquals(5, cluster.training().epochs());
        assertEquals(Optional.of(CaseSpec.WORKERS), cluster.cluster().workers());
    }
}
