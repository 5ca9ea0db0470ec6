package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command-line handling only: every case here fails or finishes before Spark starts. */
class BenchMainTest {

    private static final Path MNIST = Path.of("..", "conf", "datasets", "mnist10k.csv.gz");

    private record Outcome(int code, String out, String err) { }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BenchMain.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void helpExitsZero() {
        Outcome o = run("training", "--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("--quick") && o.out().contains("--bandwidth-gbps"), o.out());
    }

    @Test
    void noSubcommandIsBadUsage() {
        assertEquals(BenchMain.BAD_USAGE, run().code());
    }

    @Test
    void sweepHelpExitsZero() {
        Outcome o = run("sweep", "--help");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("--quick") && o.out().contains("--output") && o.out().contains("--data"), o.out());
        assertTrue(o.out().contains("--mnist-data") && o.out().contains("conf/datasets/mnist10k.csv.gz"), o.out());
    }

    @ParameterizedTest
    @CsvSource({"training, --bogus", "training, --bandwidth-gbps=fast", "sweep, --bogus", "sweep, --output"})
    void badOptionsAreBadUsage(String command, String option) {
        Outcome o = run(command, option);
        assertEquals(BenchMain.BAD_USAGE, o.code());
        assertTrue(o.err().startsWith("error: "), o.err());
    }

    @Test
    void badValuesAreBadUsageWithAMessageNamingTheOption() {
        Outcome bandwidth = run("training", "--bandwidth-gbps=0", "--data=" + MNIST);
        assertEquals(BenchMain.BAD_USAGE, bandwidth.code());
        assertTrue(bandwidth.err().contains("--bandwidth-gbps must be a positive number, got 0.0"), bandwidth.err());
        Outcome data = run("training", "--data=no/such/file.csv");
        assertEquals(BenchMain.BAD_USAGE, data.code());
        assertTrue(data.err().contains("--data: no file"), data.err());
        Outcome unknownCase = run("training", "--case=cifar", "--data=" + MNIST);
        assertEquals(BenchMain.BAD_USAGE, unknownCase.code());
        assertTrue(unknownCase.err().contains("unknown case 'cifar'"), unknownCase.err());
        Outcome sweepData = run("sweep", "--quick", "--data=no/such/digits.csv");
        assertEquals(BenchMain.BAD_USAGE, sweepData.code());
        assertTrue(sweepData.err().contains("--data: no file"), sweepData.err());
        Outcome sweepMnist = run("sweep", "--quick", "--data=" + SweepPlanTest.DIGITS, "--mnist-data=no/such/mnist.csv");
        assertEquals(BenchMain.BAD_USAGE, sweepMnist.code());
        assertTrue(sweepMnist.err().contains("--mnist-data: no file " + Path.of("no/such/mnist.csv").toAbsolutePath()
                + "; point it at conf/datasets/mnist10k.csv.gz of the Spindle checkout"), sweepMnist.err());
        assertTrue(!sweepMnist.err().contains("--data: no file"), sweepMnist.err());
    }

    @Test
    void theSequenceCaseNeedsItsSeriesNotMnist() {
        assertTrue(run("training", "--help").out().contains("--co2-data"));
        Outcome co2 = run("training", "--case=co2-lstm", "--data=no/such/mnist.csv", "--co2-data=no/such/co2.csv");
        assertEquals(BenchMain.BAD_USAGE, co2.code());
        assertTrue(co2.err().contains("--co2-data: no file") && !co2.err().contains("--data: no file"), co2.err());
        Outcome mnistOnly = run("training", "--case=mnist-mlp", "--data=no/such/mnist.csv", "--co2-data=no/such/co2.csv");
        assertTrue(mnistOnly.err().contains("--data: no file"), mnistOnly.err());
    }

    @Test
    void clusterNeedsTheMnistCaseAndACheckoutToStartItFrom() {
        assertTrue(run("training", "--help").out().contains("--cluster"));
        Outcome largeOnly = run("training", "--cluster", "--case=mnist-large-mlp", "--data=" + MNIST);
        assertEquals(BenchMain.BAD_USAGE, largeOnly.code());
        assertTrue(largeOnly.err().contains("--cluster compares with Spindle's mnist-mlp run on local[2]: add --case mnist-mlp"),
                largeOnly.err());
        // the test JVM has no spindle.home: the checkout is the working folder (bench/), which has no deploy/
        Outcome noScript = run("training", "--quick", "--cluster", "--data=" + MNIST);
        assertEquals(BenchMain.BAD_USAGE, noScript.code());
        assertTrue(noScript.err().contains("--cluster: no ") && noScript.err().contains("deploy/standalone.sh"),
                noScript.err());
    }

    @Test
    void caseSpecsParseWithTheBenchmarksSettings() {
        BenchCase large = BenchCase.defaults(false).get(1);
        var spec = CaseSpec.spec(large, MNIST, 8, OptionalInt.empty(), "none");
        assertEquals(8, spec.training().epochs());
        assertEquals(256, spec.training().batchSize());
        assertEquals(java.util.Optional.of(2), spec.cluster().workers());
        assertEquals("none", spec.cluster().lrScaling());
        var defaults = CaseSpec.spec(large, MNIST, 1, OptionalInt.empty(), "");
        assertEquals("auto", defaults.cluster().lrScaling(), "spindle-2w runs with the spec's default");
        assertEquals(Math.sqrt(2), defaults.cluster().lrFactor(2, defaults.training().optimizer()), 1e-15, "Adam: sqrt");
        assertTrue(spec.cluster().averagingPeriod().isEmpty());
        assertEquals(0.0, spec.training().dropout());
        assertEquals(3, spec.model().layers().size());
        assertEquals(OptionalInt.of(10).getAsInt(),
                CaseSpec.spec(large, MNIST, 1, OptionalInt.of(10), "none").cluster().averagingPeriod().orElseThrow());
    }
}
