package io.spindle.driver.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.report.RangeTestChart;
import io.spindle.driver.spec.JobSpec;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.driver.train.RangeTest;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code spindle lr-find}: the learning-rate range test on a spec's data and workers, written as
 * {@code lr-find.csv} and {@code lr-find.svg}; and {@code training.lr: auto}, which runs the same
 * test before training and trains with its suggestion.
 */
public final class LrFindJob {

    static final String COMMAND = "spindle lr-find";
    /** Every round of the test: step, lr, loss, smoothed_loss. */
    public static final String CSV = "lr-find.csv";
    /** The chart of the test. */
    public static final String SVG = "lr-find.svg";

    private LrFindJob() {
    }

    /**
     * Runs the range test and writes its files; no model is kept.
     *
     * @param spark the session
     * @param spec the resolved spec ({@code training.lr} is not used)
     * @param settings the rates and rounds
     * @param output the output folder
     * @param overwrite replace an existing output folder
     * @param out where the suggestion is printed
     * @return the test's result
     */
    public static RangeTest.Result run(SparkSession spark, JobSpec spec, RangeTest.Settings settings, String output,
                                       boolean overwrite, PrintWriter out) {
        OutputDir dir = OutputDir.check(output, overwrite, spark.sparkContext().hadoopConfiguration());
        TrainJob.Checked checked = TrainJob.check(spark, spec);
        spec.warnings().forEach(w -> out.println("warning: " + w));
        checked.warnings().forEach(w -> out.println("warning: " + w));
        RangeTest.Result r = RangeTest.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), spec, checked.data(),
                checked.conf(), settings, w -> out.println("warning: " + w));
        try (OutputLock lock = dir.create(COMMAND)) {
            write(dir, r);
            TrainJob.writeJson(dir, "lr-find.json", record(r, settings));
        }
        out.println(describe(r, settings));
        out.printf(Locale.ROOT, "use it: --set training.lr=%s (or training.lr: auto runs this test before training)%n",
                rate(r.suggested()));
        out.println("wrote " + dir.path());
        out.flush();
        return r;
    }

    /**
     * Chooses the rate for {@code training.lr: auto}: runs the test with the default settings.
     *
     * @param spark the session
     * @param spec the spec (with {@code lr: auto})
     * @param checked its data and network
     * @param out where the choice is printed
     * @return the test's result
     */
    static RangeTest.Result choose(SparkSession spark, JobSpec spec, TrainJob.Checked checked, PrintWriter out) {
        out.println("training.lr: auto: running the learning-rate range test (" + rate(RangeTest.Settings.DEFAULT.min())
                + " to " + rate(RangeTest.Settings.DEFAULT.max()) + " over " + RangeTest.Settings.DEFAULT.steps()
                + " rounds)");
        out.flush();
        RangeTest.Result r = RangeTest.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), spec, checked.data(),
                checked.conf(), RangeTest.Settings.DEFAULT, w -> { });
        out.println(describe(r, RangeTest.Settings.DEFAULT) + "; training with it");
        out.flush();
        return r;
    }

    /**
     * @param spec a spec with {@code lr: auto}
     * @param lr the chosen rate
     * @return the spec training runs: the same with {@code training.lr} set to the rate
     */
    static JobSpec withRate(JobSpec spec, double lr) {
        return spec.withOverrides(Map.of("training.lr", lr));
    }

    /**
     * @param r a test's result
     * @param settings its settings
     * @return what summary.json and provenance.json record of it
     */
    static ObjectNode record(RangeTest.Result r, RangeTest.Settings settings) {
        ObjectNode n = SpecTrees.MAPPER.createObjectNode();
        n.put("lr", suggestion(r));
        n.put("rule", RangeTest.Result.rule() + " (Smith 2017 range test)");
        n.put("lowest_loss_lr", r.lowestLr());
        n.put("min", settings.min());
        n.put("max", settings.max());
        n.put("steps", settings.steps());
        n.put("rounds_run", r.points().size());
        n.put("blew_up", r.blewUp());
        n.put("workers", r.workers());
        return n;
    }

    /** @return the suggested rate, to three significant digits (what specs and tables show) */
    static double suggestion(RangeTest.Result r) {
        return Double.parseDouble(rate(r.suggested()));
    }

    static void write(OutputDir dir, RangeTest.Result r) {
        StringBuilder csv = new StringBuilder("step,lr,loss,smoothed_loss\n");
        r.points().forEach(p -> csv.append(p.step()).append(',').append(p.lr()).append(',').append(p.loss()).append(',')
                .append(p.smoothed()).append('\n'));
        dir.write(CSV, o -> o.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
        var finite = r.points().stream().filter(p -> Double.isFinite(p.smoothed())).toList();
        String svg = RangeTestChart.svg(finite.stream().mapToDouble(RangeTest.Point::lr).toArray(),
                finite.stream().mapToDouble(RangeTest.Point::loss).toArray(),
                finite.stream().mapToDouble(RangeTest.Point::smoothed).toArray(), r.suggested());
        dir.write(SVG, o -> o.write(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** @return one line: the suggestion, the rule, and where the loss blew up */
    static String describe(RangeTest.Result r, RangeTest.Settings settings) {
        RangeTest.Point last = r.points().get(r.points().size() - 1);
        String end = r.blewUp() ? "the loss blew up at lr " + rate(last.lr()) + " after " + r.points().size() + " rounds"
                : "the loss did not blow up up to lr " + rate(settings.max()) + " (raise --max to see where it does)";
        return "suggested training.lr: " + rate(r.suggested()) + " (the smoothed loss was lowest at lr " + rate(r.lowestLr())
                + " on " + r.workers() + " worker" + (r.workers() == 1 ? "" : "s") + "; rule: " + RangeTest.Result.rule()
                + "; range test of Smith 2017); " + end;
    }

    static String rate(double lr) {
        return String.format(Locale.ROOT, "%.3g", lr);
    }
}
