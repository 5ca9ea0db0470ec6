package io.spindle.driver.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.spindle.driver.report.HtmlReport;
import io.spindle.driver.results.DeltaResultStore;
import io.spindle.driver.results.ResultViews;
import io.spindle.driver.spec.SpecTrees;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** {@code spindle report DIR}: writes {@code DIR/report.html} from the folder's result tables. */
public final class ReportJob {

    private ReportJob() {
    }

    /**
     * @param spark the session
     * @param dir a run folder (path or Hadoop FS URI)
     * @return the report's full path
     * @throws ResultViews.ResultsException when the folder holds no result tables
     */
    public static String run(SparkSession spark, String dir) {
        if (!DeltaResultStore.exists(spark, dir)) {
            throw new ResultViews.ResultsException(dir + " holds no result tables; pass the --output folder of a"
                    + " spindle train or sweep run");
        }
        DeltaResultStore store = new DeltaResultStore(spark, dir);
        OutputDir out = OutputDir.existing(dir, spark.sparkContext().hadoopConfiguration());
        // a sweep keeps its best model's test results in best/, a run in the folder itself
        // (a doctor run's best step too: DoctorJob.BEST is the same folder name)
        OutputDir model = out.exists(SweepJob.BEST + "/summary.json") ? out.child(SweepJob.BEST) : out;
        Optional<JsonNode> summary = model.exists("summary.json")
                ? Optional.of(model.read("summary.json", in -> SpecTrees.MAPPER.readTree(in))) : Optional.empty();
        List<double[]> predictions = model.exists(TrainJob.PREDICTIONS) ? model.read(TrainJob.PREDICTIONS, in ->
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .filter(l -> !l.startsWith("#") && !l.startsWith("actual") && !l.isBlank())
                        .map(l -> java.util.Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray())
                        .toList()) : List.of();
        Optional<JsonNode> run = out.exists("summary.json")
                ? Optional.of(out.read("summary.json", in -> SpecTrees.MAPPER.readTree(in))) : Optional.empty();
        List<HtmlReport.ForecastPoint> forecast = model.exists(TrainJob.FORECAST) ? model.read(TrainJob.FORECAST, in ->
                forecastPoints(new String(in.readAllBytes(), StandardCharsets.UTF_8))) : List.of();
        String html = HtmlReport.render(out.path(), store.trials(), store.epochs(), summary, predictions, run, forecast);
        return out.write("report.html", o -> o.write(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** Parses a run's {@code test-forecast.csv} (series,time,target,step,actual,predicted; quoted fields allowed). */
    static List<HtmlReport.ForecastPoint> forecastPoints(String csv) {
        List<HtmlReport.ForecastPoint> out = new java.util.ArrayList<>();
        java.util.ArrayList<String> f = new java.util.ArrayList<>();
        csv.lines().skip(1).filter(l -> !l.isBlank()).forEach(l -> {
            io.spindle.driver.data.Csv.split(l, ',', f);
            out.add(new HtmlReport.ForecastPoint(f.get(0), f.get(1), f.get(2), Integer.parseInt(f.get(3)),
                    Double.parseDouble(f.get(4)), Double.parseDouble(f.get(5))));
        });
        return out;
    }
}
