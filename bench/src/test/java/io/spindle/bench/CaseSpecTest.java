package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.spindle.driver.spec.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
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

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {false, true})
    void theSequenceSpecIsTheCo2ExampleWithTheBenchmarksSeedEpochsAndCluster(boolean quick) throws Exception {
        BenchCase c = BenchCase.defaults(quick).stream().filter(x -> x.name().equals(Systems.CO2)).findFirst().orElseThrow();
        assertEquals(BenchCase.Kind.SEQUENCE, c.kind());
        assertEquals(Quality.RMSE, c.quality());
        JobSpec job = CaseSpec.parse(Files.readString(Path.of("..", "conf", "jobs", "co2.yaml")), "co2");
        JobSpec bench = CaseSpec.spec(c, Path.of("..", BenchCase.CO2_DATA), 7, OptionalInt.empty(), "none");
        assertEquals(job.model(), bench.model(), "one LSTM of 32 units and the output layer, the timeseries preset");
        for (java.util.function.Function<JobSpec, Object> part : List.<java.util.function.Function<JobSpec, Object>>of(
                s -> s.data().task(), s -> s.data().window(), s -> s.data().missing(), s -> s.data().split(),
                s -> s.data().normalize(), s -> s.data().sequence(), s -> s.metrics())) {
            assertEquals(part.apply(job), part.apply(bench));
        }
        JobSpec.Training j = job.training();
        JobSpec.Training b = bench.training();
        assertEquals(new JobSpec.Training(j.optimizer(), j.lr(), j.momentum(), j.beta1(), j.beta2(), j.epsilon(), j.rho(),
                j.batchSize(), 7, CaseSpec.SEED, j.l2(), j.weightDecay(), j.dropout(), b.earlyStopping(), j.schedule(),
                j.lrAuto(), j.clipping()), b, "co2.yaml's training but for epochs, seed and early stopping");
        assertEquals("rmsprop", b.optimizer());
        assertEquals(32, b.batchSize());
        assertEquals(false, b.earlyStopping().enabled());
        assertEquals(Optional.of(CaseSpec.WORKERS), bench.cluster().workers());
        assertEquals(Path.of("..", BenchCase.CO2_DATA).toAbsolutePath().toString(), bench.data().path());
    }

    @Test
    void aSequenceCaseRefusesTheSystemsThatCannotTrainIt() {
        BenchCase co2 = BenchCase.defaults(true).get(2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BenchCase(co2.name(), co2.kind(), co2.hidden(), co2.batchSize(), co2.dataset(),
                        java.util.Map.of(Systems.MLLIB, new Budget(1, 1))));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(Systems.MLLIB), e.getMessage());
    }

    @Test
    void onlyTheMlpCasesHaveAClusterSpec() {
        BenchCase co2 = BenchCase.defaults(false).get(2);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CaseSpec.clusterYaml(co2, Path.of("a.csv"), Path.of("b.csv"), List.of(), 1, 1, "none"));
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

    @ParameterizedTest(name = "quick {0}")
    @ValueSource(booleans = {false, true})
    void theCnnSpecIsTheMnistCnnJobsNetworkOnTheBenchmarksRowsAndTraining(boolean quick) throws Exception {
        BenchCase c = BenchCase.defaults(quick).stream().filter(x -> x.name().equals(Systems.CNN)).findFirst().orElseThrow();
        assertEquals(BenchCase.Kind.CNN, c.kind());
        assertEquals(Quality.ACCURACY, c.quality());
        JobSpec job = CaseSpec.parse(Files.readString(Path.of("..", "conf", "jobs", "mnist10k-cnn.yaml")), "cnn");
        JobSpec bench = CaseSpec.spec(c, MNIST, 3, OptionalInt.empty(), "none");
        assertEquals(job.model().layers(), bench.model().layers(), "conv 32, pool, conv 64, pool, dense 128, output");
        assertEquals(job.data().image(), bench.data().image());
        assertEquals(job.data().split(), bench.data().split());
        assertEquals(job.training().optimizer(), bench.training().optimizer());
        assertEquals(job.training().lr(), bench.training().lr());
        assertEquals(job.training().batchSize(), bench.training().batchSize());
        assertEquals(3, bench.training().epochs());
        assertEquals(CaseSpec.SEED, bench.training().seed());
        assertEquals("NONE", String.valueOf(bench.data().normalize()), "the benchmark divides the pixels by 255 itself");
    }

    @Test
    void pytorchAndTheBuiltInSingleJvmRunTheCnnCaseOnly() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BenchCase("m", List.of(8), 4, java.util.Map.of(Systems.PYTORCH, new Budget(1, 1))));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("CNN case only"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BenchCase("c", BenchCase.Kind.CNN, List.of(128), 64, BenchCase.MNIST_DATA,
                        java.util.Map.of(Systems.MLLIB, new Budget(1, 1))));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(Systems.MLLIB), e.getMessage());
    }
}
