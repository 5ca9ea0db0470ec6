package io.spindle.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Builds {@code report.html} from a run folder's result rows: a leaderboard; for the best trials
 * train and validation loss, the selected metric and the learning rate per epoch; the best
 * model's confusion matrix on test (classification); for sweeps, every varying hyperparameter
 * against the selected metric and a ranking of how strongly the metric follows each (absolute
 * Spearman rank correlation, a sensitivity table). Pure: rows in, HTML out.
 */
public final class HtmlReport {

    /** Trials whose per-epoch curves are drawn. */
    static final int CURVES = 3;
    private static final List<String> NOT_HYPERPARAMETERS = List.of("training_epochs", "training_seed");

    private HtmlReport() {
    }

    /**
     * @param title the report's title (the run folder)
     * @param trials rows of the trials table
     * @param epochs rows of the epochs table
     * @param summary the run's summary.json, if the folder has one (confusion matrix, class names)
     * @param predictions regression: the best model's {actual, predicted} pairs on test rows (else empty)
     * @return the whole HTML document
     */
    public static String render(String title, List<Map<String, Object>> trials, List<Map<String, Object>> epochs,
                                Optional<JsonNode> summary, List<double[]> predictions) {
        return render(title, trials, epochs, summary, predictions, Optional.empty());
    }

    /**
     * @param title the report's title (the run folder)
     * @param trials rows of the trials table
     * @param epochs rows of the epochs table
     * @param summary the best model's summary.json (confusion matrix, class names), if any
     * @param predictions regression: the best model's {actual, predicted} pairs on test rows (else empty)
     * @param run the folder's own summary.json (a run's diagnoses and baseline, a doctor run's steps), if any
     * @return the whole HTML document
     */
    public static String render(String title, List<Map<String, Object>> trials, List<Map<String, Object>> epochs,
                                Optional<JsonNode> summary, List<double[]> predictions, Optional<JsonNode> run) {
        return render(title, trials, epochs, summary, predictions, run, List.of());
    }

    /**
     * One test window's forecast of one target at one horizon step (a row of the run's
     * {@code test-forecast.csv}).
     *
     * @param series the series (empty for a single series)
     * @param time the time of the predicted step, as the data writes it
     * @param target the target column
     * @param step the horizon step (1: the next value)
     * @param actual the observed value
     * @param predicted the model's forecast
     */
    public record ForecastPoint(String series, String time, String target, int step, double actual, double predicted) { }

    /** Most forecast charts in a report (series x targets x horizon steps). */
    static final int FORECAST_CHARTS = 12;

    /**
     * @param title the folder or sweep name
     * @param trials rows of the trials table
     * @param epochs rows of the epochs table
     * @param summary the best model's summary.json, if any
     * @param predictions regression: the best model's {actual, predicted} pairs on test rows (else empty)
     * @param run the folder's own summary.json, if any
     * @param forecast windowed runs: the best model's forecast of every test window (else empty)
     * @return the whole HTML document
     */
    public static String render(String title, List<Map<String, Object>> trials, List<Map<String, Object>> epochs,
                                Optional<JsonNode> summary, List<double[]> predictions, Optional<JsonNode> run,
                                List<ForecastPoint> forecast) {
        List<Map<String, Object>> ranked = new ArrayList<>(trials);
        ranked.sort(Comparator.comparingDouble(HtmlReport::rankKey));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Spindle report: ")
                .append(esc(title)).append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:right}th{background:#f3f3f3}td.l,th.l{text-align:left}"
                        + ".charts{display:flex;flex-wrap:wrap;gap:1em}.chart{border:1px solid #eee}</style></head><body>\n");
        h.append("<h1>Spindle report</h1>\n<p>").append(esc(title)).append(": ").append(trials.size())
                .append(trials.size() == 1 ? " trial" : " trials").append(", ").append(epochs.size())
                .append(" epoch rows.</p>\n");
        List<String> varying = varyingHyperparameters(trials);
        h.append("<h2>Leaderboard</h2>\n").append(leaderboard(ranked, varying));

        h.append("<h2>Training curves</h2>\n<div class=\"charts\">\n");
        List<Map<String, Object>> best = ranked.subList(0, Math.min(CURVES, ranked.size()));
        String select = best.isEmpty() ? "loss" : String.valueOf(best.get(0).get("select_metric"));
        h.append(chart(curves("Loss per epoch", best, epochs, List.of("train_loss", "val_loss"), "loss")));
        if (!select.equals("loss")) {
            h.append(chart(curves("Validation " + select + " per epoch", best, epochs, List.of("train_" + select, "val_" + select), select)));
        }
        h.append(chart(curves("Learning rate per epoch", best, epochs, List.of("lr"), "learning rate")));
        h.append("</div>\n");

        diagnosis(h, ranked, epochs, run);

        summary.flatMap(HtmlReport::confusion).ifPresent(c -> h.append("<h2>Confusion matrix of the best model (test)</h2>\n")
                .append("<div class=\"charts\">").append(chart(c)).append("</div>\n"));

        if (!forecast.isEmpty() || summary.map(j -> j.has("forecast")).orElse(false)) {
            forecast(h, summary, forecast);
        }

        if (!predictions.isEmpty()) {
            h.append("<h2>Predicted vs actual of the best model (test)</h2>\n<div class=\"charts\">")
                    .append(chart(predictedVsActual(predictions))).append("</div>\n");
        }

        if (trials.size() > 1 && !varying.isEmpty()) {
            h.append("<h2>Hyperparameters</h2>\n").append(importance(trials, varying, select));
            h.append("<div class=\"charts\">\n");
            for (String p : varying) {
                h.append(chart(scatter(trials, p, select)));
            }
            h.append("</div>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /**
     * The "Diagnosis" section: a run's diagnoses (code, evidence, explanation, the {@code --set}
     * lines of the fix) next to its trivial baseline, or a doctor run's path of steps; and the
     * evidence chart, train-sample against validation loss of the diagnosed (best) trial.
     */
    private static void diagnosis(StringBuilder h, List<Map<String, Object>> ranked, List<Map<String, Object>> epochs,
                                  Optional<JsonNode> run) {
        boolean codes = ranked.stream().anyMatch(t -> t.get("diagnosis") != null && !String.valueOf(t.get("diagnosis")).isEmpty());
        if (run.isEmpty() && !codes) {
            return;
        }
        h.append("<h2>Diagnosis</h2>\n");
        JsonNode r = run.orElse(null);
        if (r != null && r.has("baseline")) {
            h.append("<p id=\"baseline\">Trivial baseline: val_").append(esc(r.at("/baseline/metric").asText())).append(' ')
                    .append(esc(fmt(r.at("/baseline/value").asDouble()))).append(" (")
                    .append(esc(r.at("/baseline/rule").asText(""))).append(").</p>\n");
        }
        if (r != null && r.has("diagnoses")) {
            if (r.get("diagnoses").isEmpty()) {
                h.append("<p>No diagnosis: none of the rules fired on this run.</p>\n");
            }
            h.append("<ul id=\"diagnoses\">\n");
            for (JsonNode d : r.get("diagnoses")) {
                h.append("<li><b>").append(esc(d.get("code").asText())).append("</b>: ").append(esc(d.get("evidence").asText()))
                        .append("; ").append(esc(d.get("explanation").asText()));
                if (d.path("fix").size() > 0) {
                    h.append(" Try: <code>");
                    d.get("fix").forEach(f -> h.append("--set ").append(esc(f.asText())).append(' '));
                    h.append("</code>");
                }
                h.append("</li>\n");
            }
            h.append("</ul>\n");
        }
        if (r != null && r.has("steps")) {
            String m = r.path("select").asText();
            h.append("<p>The doctor stopped: ").append(esc(r.path("stopped").asText())).append(".</p>\n")
                    .append("<table id=\"doctor-steps\"><tr><th class=\"l\">step</th><th class=\"l\">from</th>")
                    .append("<th class=\"l\">changes</th><th>val_").append(esc(m)).append("</th><th class=\"l\">diagnoses</th></tr>\n");
            for (JsonNode s : r.get("steps")) {
                List<String> c = new ArrayList<>();
                s.path("diagnoses").forEach(d -> c.add(d.get("code").asText()));
                h.append("<tr><td class=\"l\">").append(esc(s.get("id").asText())).append("</td><td class=\"l\">")
                        .append(esc(s.path("parent").asText())).append("</td><td class=\"l\">")
                        .append(esc(s.path("changes").asText())).append("</td><td>")
                        .append(esc(fmt(s.has("val_" + m) ? s.get("val_" + m).asDouble() : null))).append("</td><td class=\"l\">")
                        .append(esc(String.join(", ", c))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (!ranked.isEmpty()) {
            h.append("<div class=\"charts\">").append(chart(curves("Evidence: train-sample vs validation loss",
                    ranked.subList(0, 1), epochs, List.of("train_eval_loss", "val_loss"), "loss"))).append("</div>\n");
        }
    }

    private static double rankKey(Map<String, Object> t) {
        Object v = t.get("best_val");
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return Double.MAX_VALUE;
        }
        return io.spindle.driver.spec.Metric.lowerIsBetter(String.valueOf(t.get("select_metric"))) ? n.doubleValue() : -n.doubleValue();
    }

    private static String leaderboard(List<Map<String, Object>> ranked, List<String> varying) {
        List<String> cols = new ArrayList<>(List.of("trial_id", "status"));
        cols.addAll(varying); // a sweep's hyperparameters, next to each trial's status
        cols.addAll(List.of("epochs_run", "best_epoch", "select_metric", "best_val"));
        Set<String> tests = new TreeSet<>();
        ranked.forEach(t -> t.keySet().stream().filter(k -> k.startsWith("test_")).forEach(tests::add));
        cols.addAll(tests);
        cols.add("wall_seconds");
        if (ranked.stream().anyMatch(t -> t.get("diagnosis") != null && !String.valueOf(t.get("diagnosis")).isEmpty())) {
            cols.add("diagnosis");
        }
        StringBuilder s = new StringBuilder("<table id=\"leaderboard\"><tr><th class=\"l\">#</th>");
        cols.forEach(c -> s.append("<th class=\"l\">").append(esc(c)).append("</th>"));
        s.append("</tr>\n");
        int rank = 1;
        for (Map<String, Object> t : ranked) {
            s.append("<tr><td>").append(rank++).append("</td>");
            for (String c : cols) {
                Object v = t.get(c);
                boolean text = !(v instanceof Number);
                s.append(text ? "<td class=\"l\">" : "<td>").append(esc(fmt(v))).append("</td>");
            }
            s.append("</tr>\n");
        }
        return s.append("</table>\n").toString();
    }

    private static XYChart curves(String title, List<Map<String, Object>> trials, List<Map<String, Object>> epochs,
                                  List<String> columns, String yTitle) {
        XYChart c = new XYChartBuilder().width(560).height(360).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setMarkerSize(4);
        boolean any = false;
        for (Map<String, Object> t : trials) {
            List<Map<String, Object>> rows = epochs.stream()
                    .filter(e -> t.get("trial_id").equals(e.get("trial_id")) && t.get("sweep_id").equals(e.get("sweep_id"))
                            && !Boolean.TRUE.equals(e.get("partial")))
                    .sorted(Comparator.comparingInt(e -> ((Number) e.get("epoch")).intValue())).toList();
            for (String col : columns) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (Map<String, Object> e : rows) {
                    if (e.get(col) instanceof Number n && Double.isFinite(n.doubleValue())) {
                        x.add(((Number) e.get("epoch")).doubleValue());
                        y.add(n.doubleValue());
                    }
                }
                if (!x.isEmpty()) {
                    String name = (trials.size() > 1 ? t.get("trial_id") + " " : "") + col;
                    c.addSeries(name, x, y);
                    any = true;
                }
            }
        }
        if (!any) {
            c.addSeries("no data", new double[] {0}, new double[] {0});
        }
        return c;
    }

    private static Optional<HeatMapChart> confusion(JsonNode summary) {
        JsonNode m = summary.at("/test/confusion_matrix");
        if (!m.isArray() || m.isEmpty()) {
            return Optional.empty();
        }
        int n = m.size();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(summary.path("classes").has(i) ? summary.path("classes").get(i).asText() : String.valueOf(i));
        }
        List<Number[]> cells = new ArrayList<>();
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                cells.add(new Number[] {predicted, actual, m.get(actual).get(predicted).asLong()});
            }
        }
        HeatMapChart c = new HeatMapChartBuilder().width(560).height(480).title("rows: actual, columns: predicted")
                .xAxisTitle("predicted").yAxisTitle("actual").build();
        c.getStyler().setShowValue(true);
        c.addSeries("test", names, names, cells);
        return Optional.of(c);
    }

    /** @return the numeric hyperparameter columns that differ between trials */
    static List<String> varyingHyperparameters(List<Map<String, Object>> trials) {
        Map<String, Set<Double>> values = new LinkedHashMap<>();
        for (Map<String, Object> t : trials) {
            t.forEach((k, v) -> {
                if (io.spindle.driver.results.ResultRows.isHyperparameter(k) && !NOT_HYPERPARAMETERS.contains(k)
                        && v instanceof Number n) {
                    values.computeIfAbsent(k, x -> new TreeSet<>()).add(n.doubleValue());
                }
            });
        }
        return values.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
    }

    private static String importance(List<Map<String, Object>> trials, List<String> params, String select) {
        Map<String, Double> rho = new LinkedHashMap<>();
        for (String p : params) {
            List<double[]> pts = points(trials, p);
            rho.put(p, pts.size() < 3 ? Double.NaN : Math.abs(spearman(pts)));
        }
        StringBuilder s = new StringBuilder("<table id=\"importance\"><tr><th class=\"l\">hyperparameter</th>"
                + "<th>|Spearman rank correlation| with best " + esc(select) + "</th><th>trials</th></tr>\n");
        rho.entrySet().stream().sorted((a, b) -> Double.compare(nanLow(b.getValue()), nanLow(a.getValue())))
                .forEach(e -> s.append("<tr><td class=\"l\">").append(esc(e.getKey())).append("</td><td>")
                        .append(esc(fmt(e.getValue()))).append("</td><td>").append(points(trials, e.getKey()).size())
                        .append("</td></tr>\n"));
        return s.append("</table>\n").toString();
    }

    private static double nanLow(double v) {
        return Double.isNaN(v) ? -1 : v;
    }

    private static List<double[]> points(List<Map<String, Object>> trials, String param) {
        List<double[]> pts = new ArrayList<>();
        for (Map<String, Object> t : trials) {
            if (t.get(param) instanceof Number x && t.get("best_val") instanceof Number y && Double.isFinite(y.doubleValue())) {
                pts.add(new double[] {x.doubleValue(), y.doubleValue()});
            }
        }
        return pts;
    }

    /** @return Spearman's rank correlation of the points (ties get their mean rank) */
    static double spearman(List<double[]> pts) {
        double[] rx = ranks(pts, 0);
        double[] ry = ranks(pts, 1);
        double mx = mean(rx);
        double my = mean(ry);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < rx.length; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(List<double[]> pts, int axis) {
        Integer[] idx = new Integer[pts.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, Comparator.comparingDouble(i -> pts.get(i)[axis]));
        double[] r = new double[idx.length];
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && pts.get(idx[j + 1])[axis] == pts.get(idx[i])[axis]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[idx[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return r;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /**
     * The "Forecast" section of a windowed run: the model's test errors beside the naive and
     * seasonal-naive forecasts of the same windows, and actual against predicted values over the
     * test period, one chart per series, target and horizon step.
     */
    private static void forecast(StringBuilder h, Optional<JsonNode> summary, List<ForecastPoint> points) {
        h.append("<h2>Forecast of the best model (test)</h2>\n");
        JsonNode s = summary.orElse(null);
        if (s != null && s.has("forecast")) {
            JsonNode f = s.get("forecast");
            if (f.has("verdict")) {
                h.append("<p id=\"forecast-verdict\">Test RMSE ").append(esc(fmt(s.at("/test/rmse").asDouble())))
                        .append(": the model ").append(esc(f.get("verdict").asText())).append(" (seasonality ")
                        .append(f.path("seasonality").asInt()).append(" steps).</p>\n");
            }
            List<String> metrics = List.of("rmse", "mae", "smape", "mase");
            h.append("<table id=\"forecast-baselines\"><tr><th class=\"l\">forecast</th>");
            metrics.forEach(m -> h.append("<th>test ").append(m).append("</th>"));
            h.append("</tr>\n");
            forecastRow(h, "model", s.get("test"), metrics);
            JsonNode test = f.at("/baselines/test");
            test.fieldNames().forEachRemaining(name -> forecastRow(h, name.replace('_', ' '), test.get(name), metrics));
            h.append("</table>\n");
        }
        if (points.isEmpty()) {
            return;
        }
        Map<String, List<ForecastPoint>> groups = new LinkedHashMap<>();
        for (ForecastPoint p : points) {
            groups.computeIfAbsent(p.series() + "\u0000" + p.target() + "\u0000" + p.step(), k -> new ArrayList<>()).add(p);
        }
        h.append("<div class=\"charts\" id=\"forecast-charts\">\n");
        int shown = 0;
        for (List<ForecastPoint> g : groups.values()) {
            if (shown++ == FORECAST_CHARTS) {
                break;
            }
            h.append(chart(forecastChart(g)));
        }
        h.append("</div>\n");
        if (groups.size() > FORECAST_CHARTS) {
            h.append("<p>").append(FORECAST_CHARTS).append(" of ").append(groups.size())
                    .append(" series, targets and steps shown; every window is in test-forecast.csv.</p>\n");
        }
    }

    private static void forecastRow(StringBuilder h, String name, JsonNode values, List<String> metrics) {
        h.append("<tr><td class=\"l\">").append(esc(name)).append("</td>");
        for (String m : metrics) {
            JsonNode v = values == null ? null : values.get(m);
            h.append("<td>").append(v == null || !v.isNumber() ? "" : esc(fmt(v.asDouble()))).append("</td>");
        }
        h.append("</tr>\n");
    }

    static XYChart forecastChart(List<ForecastPoint> g) {
        ForecastPoint first = g.get(0);
        String title = (first.series().isEmpty() ? "" : first.series() + ": ") + first.target()
                + (first.step() == 1 ? ", next step" : ", " + first.step() + " steps ahead");
        XYChart c = new XYChartBuilder().width(760).height(360).title(title).xAxisTitle("time")
                .yAxisTitle(first.target()).build();
        c.getStyler().setMarkerSize(3);
        double[] numbers = new double[g.size()];
        boolean numeric = true;
        for (int i = 0; i < g.size() && numeric; i++) {
            try {
                numbers[i] = Double.parseDouble(g.get(i).time().trim());
            } catch (NumberFormatException e) {
                numeric = false;
            }
        }
        List<java.util.Date> dates = numeric ? List.of()
                : g.stream().map(p -> date(p.time().trim()).orElse(null)).toList();
        boolean byDate = !numeric && dates.stream().allMatch(java.util.Objects::nonNull);
        if (numeric && java.util.Arrays.stream(numbers).allMatch(x -> x == Math.rint(x))) {
            c.getStyler().setXAxisDecimalPattern("#"); // years and step numbers, not 1,984
        }
        if (!numeric && !byDate) {
            for (int i = 0; i < g.size(); i++) {
                numbers[i] = i; // times that are neither numbers nor dates: their order
            }
            c.setXAxisTitle("test window");
        }
        List<Double> actual = g.stream().map(ForecastPoint::actual).toList();
        List<Double> predicted = g.stream().map(ForecastPoint::predicted).toList();
        List<Double> xs = java.util.Arrays.stream(numbers).boxed().toList();
        XYSeries a = byDate ? c.addSeries("actual", dates, actual) : c.addSeries("actual", xs, actual);
        XYSeries p = byDate ? c.addSeries("predicted", dates, predicted) : c.addSeries("predicted", xs, predicted);
        for (XYSeries series : List.of(a, p)) {
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    /** @return an ISO date (2024-03-15), month (2024-03) or date-time as a UTC instant, or empty */
    static Optional<java.util.Date> date(String t) {
        List<java.util.function.Function<String, java.time.Instant>> parsers = List.of(
                x -> java.time.LocalDate.parse(x).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                x -> java.time.YearMonth.parse(x).atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                x -> java.time.LocalDateTime.parse(x.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC),
                x -> java.time.OffsetDateTime.parse(x.replace(' ', 'T')).toInstant());
        for (java.util.function.Function<String, java.time.Instant> p : parsers) {
            try {
                return Optional.of(java.util.Date.from(p.apply(t)));
            } catch (java.time.format.DateTimeParseException e) {
                // try the next form
            }
        }
        return Optional.empty();
    }

    private static XYChart predictedVsActual(List<double[]> pts) {
        XYChart c = new XYChartBuilder().width(560).height(480).title("Predicted vs actual").xAxisTitle("actual")
                .yAxisTitle("predicted").build();
        c.getStyler().setMarkerSize(5);
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double[] p : pts) {
            lo = Math.min(lo, Math.min(p[0], p[1]));
            hi = Math.max(hi, Math.max(p[0], p[1]));
        }
        XYSeries rows = c.addSeries("test rows", pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
        rows.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        rows.setMarker(SeriesMarkers.CIRCLE);
        XYSeries ideal = c.addSeries("predicted = actual", new double[] {lo, hi}, new double[] {lo, hi});
        ideal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        ideal.setMarker(SeriesMarkers.NONE);
        return c;
    }

    private static XYChart scatter(List<Map<String, Object>> trials, String param, String select) {
        XYChart c = new XYChartBuilder().width(420).height(320).title(param).xAxisTitle(param)
                .yAxisTitle("best " + select).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setLegendVisible(false);
        List<double[]> pts = points(trials, param);
        XYSeries s = c.addSeries("trials", pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.CIRCLE);
        return c;
    }

    private static String chart(org.knowm.xchart.internal.chartpart.Chart<?, ?> c) {
        // the SVG draws its text as shapes: name the chart for readers and tests
        return "<div class=\"chart\" role=\"img\" aria-label=\"" + esc(c.getTitle()) + "\">" + Charts.svg(c) + "</div>\n";
    }

    private static String fmt(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "NaN" : String.format(Locale.ROOT, "%.4g", d);
        }
        return v.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
