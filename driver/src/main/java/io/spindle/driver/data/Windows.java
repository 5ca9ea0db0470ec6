package io.spindle.driver.data;

import io.spindle.driver.spec.DataSpec;
import io.spindle.kernels.Block;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Supervised windows cut from a table of observations ({@code data.window}): the observations are
 * gathered on the driver, ordered by time within each series, their gaps handled by
 * {@code data.missing}, and each series split in time order into consecutive train, validation
 * and test parts; windows are cut inside each part only, so no window's inputs or targets reach
 * into another part. Normalization is fitted on the train parts' observations. The windows then
 * go to the executors as blocks of step-major sequence rows ({@code size} steps of the feature
 * columns), labelled with the next {@code horizon} values of each target.
 *
 * <p>The observations of every series are held on the driver while the windows are cut (a few
 * million observations of a few columns fit in its memory); the windows themselves are trained
 * on data-parallel like any other rows.
 */
public final class Windows {

    /** Values read as missing (besides an empty field). */
    static final Set<String> MISSING = Set.of("na", "n/a", "nan", "null", "none", "?");
    private static final int BLOCK_ROWS = 256;

    private Windows() { }

    /** A table as read: column names, and every row's fields with where it came from. */
    record Table(List<String> columns, List<String[]> rows, List<String> files, List<Long> lines, boolean rowIndexed) { }

    /**
     * One series, in time order.
     *
     * @param name its series_id value (empty for the one series of a table without series_id)
     * @param times each observation's time as written (or its position, without a time column)
     * @param keys each observation's time as a number that orders them
     * @param values per observation, one value per value column (NaN: missing)
     */
    public record Series(String name, List<String> times, double[] keys, double[][] values) { }

    /**
     * A window.
     *
     * @param series index of its series
     * @param start index of its first input observation in that series
     */
    public record Cut(int series, int start) { }

    /**
     * The series and their windows.
     *
     * @param valueColumns the columns read: the features, then targets that are no features
     * @param features indexes into the value columns of the features, in order
     * @param targets indexes into the value columns of the targets, in order
     * @param series every series, in order of first appearance
     * @param train train windows, in series then time order
     * @param validation validation windows
     * @param test test windows
     * @param dropped windows dropped because they touch a gap
     * @param normalization fitted on the train parts' observations, laid out per window row
     */
    public record Cut3(List<String> valueColumns, int[] features, int[] targets, List<Series> series, List<Cut> train,
                       List<Cut> validation, List<Cut> test, long dropped, Normalization normalization) { }

    /**
     * Reads, orders, fills, splits and windows the data of a spec with {@code data.window}.
     *
     * @param spark the session
     * @param spec the data section (with a window)
     * @param baseDir folder relative paths resolve against
     * @return the three splits as sequence rows, with their layout and normalization
     * @throws DataException naming the file, line and column of bad input, or the spec key to change
     */
    public static PreparedData load(SparkSession spark, DataSpec spec, java.nio.file.Path baseDir) {
        DataSpec.Window w = spec.window().orElseThrow(() -> new IllegalArgumentException("no data.window"));
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String resolved = Sources.resolve(spec.path(), baseDir);
        List<Path> files = Sources.list("data.path", spec.path(), resolved, conf);
        Table table = spec.format() == DataSpec.Format.PARQUET ? parquet(spark, files) : csv(spec, files, conf);
        Cut3 cut = cut(spec, table);
        return prepared(JavaSparkContext.fromSparkContext(spark.sparkContext()), spec, w, cut);
    }

    /**
     * Orders, fills, splits and windows a table (no Spark).
     *
     * @param spec the data section (with a window)
     * @param table the observations as read
     * @return the series and their windows per split
     */
    static Cut3 cut(DataSpec spec, Table table) {
        DataSpec.Window w = spec.window().orElseThrow();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < table.columns().size(); i++) {
            index.put(table.columns().get(i), i);
        }
        int timeCol = w.time().map(t -> column(index, table, "data.window.time", t)).orElse(-1);
        int seriesCol = w.seriesId().map(t -> column(index, table, "data.window.series_id", t)).orElse(-1);
        List<Integer> targetCols = new ArrayList<>();
        for (String t : w.targets()) {
            targetCols.add(column(index, table, "data.window.targets", t));
        }
        List<Integer> featureCols = new ArrayList<>();
        if (!spec.features().isEmpty()) {
            for (String f : spec.features()) {
                featureCols.add(column(index, table, "data.features", f));
            }
        } else {
            // every numeric column but the time and the series (the targets included)
            for (int c = 0; c < table.columns().size(); c++) {
                if (c != timeCol && c != seriesCol && (targetCols.contains(c) || numeric(table, c))) {
                    featureCols.add(c);
                }
            }
        }
        List<Integer> valueCols = new ArrayList<>(featureCols);
        targetCols.stream().filter(c -> !valueCols.contains(c)).forEach(valueCols::add);
        int[] features = featureCols.stream().mapToInt(valueCols::indexOf).toArray();
        int[] targets = targetCols.stream().mapToInt(valueCols::indexOf).toArray();

        // parse every row: its series, its time and its values
        int n = table.rows().size();
        if (n == 0) {
            throw new DataException("data.path '" + spec.path() + "' has no observations (only a header); data.window needs"
                    + " a series of rows");
        }
        TimeKind kind = timeCol < 0 ? null : TimeKind.of(table.rows().get(0)[timeCol]);
        LinkedHashMap<String, List<Integer>> bySeries = new LinkedHashMap<>();
        double[] keys = new double[n];
        double[][] values = new double[n][valueCols.size()];
        String firstMissing = null;
        for (int r = 0; r < n; r++) {
            String[] f = table.rows().get(r);
            if (f.length != table.columns().size()) {
                throw new DataException(where(table, r) + ": " + f.length + " fields, but the header has "
                        + table.columns().size() + "; fix the row");
            }
            String series = seriesCol < 0 ? "" : f[seriesCol];
            bySeries.computeIfAbsent(series, s -> new ArrayList<>()).add(r);
            if (timeCol >= 0) {
                Optional<Double> key = kind.key(f[timeCol]);
                if (key.isEmpty()) {
                    throw new DataException(where(table, r) + ", " + column(table, timeCol) + ": '" + f[timeCol]
                            + "' is not " + kind.what + (r == 0 ? "" : " like the first row's '"
                            + table.rows().get(0)[timeCol] + "'") + "; fix the value, or data.window.time");
                }
                keys[r] = key.get();
            } else {
                keys[r] = r;
            }
            for (int v = 0; v < valueCols.size(); v++) {
                int c = valueCols.get(v);
                String text = f[c].trim();
                if (missing(text)) {
                    values[r][v] = Double.NaN;
                    if (firstMissing == null) {
                        firstMissing = where(table, r) + ", " + column(table, c);
                    }
                    continue;
                }
                try {
                    double d = Double.parseDouble(text);
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException();
                    }
                    values[r][v] = d;
                } catch (NumberFormatException e) {
                    String role = targetCols.contains(c) ? "data.window.targets" : "data.features";
                    throw new DataException(where(table, r) + ", " + column(table, c) + ": '" + text + "' is not a number;"
                            + " " + role + " must be numeric columns: fix the value or remove the column from " + role);
                }
            }
        }
        if (firstMissing != null && spec.missing() == DataSpec.Missing.FAIL) {
            throw new DataException(firstMissing + ": the value is missing; set data.missing: drop (skip the windows that"
                    + " touch a gap), ffill (carry the last value forward) or interpolate (linear in time between the"
                    + " neighbours)");
        }

        // each series in time order, its gaps filled as asked
        List<Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : bySeries.entrySet()) {
            List<Integer> rows = new ArrayList<>(e.getValue());
            rows.sort(Comparator.comparingDouble(r -> keys[r])); // stable: file order among equal keys
            for (int i = 1; i < rows.size(); i++) {
                if (timeCol >= 0 && keys[rows.get(i)] == keys[rows.get(i - 1)]) {
                    int a = rows.get(i - 1);
                    int b = rows.get(i);
                    throw new DataException("data.window.time '" + w.time().get() + "': "
                            + (seriesCol < 0 ? "the series" : "series '" + e.getKey() + "'") + " has two observations at "
                            + table.rows().get(b)[timeCol] + " (" + where(table, a) + " and " + where(table, b)
                            + "); keep one" + (seriesCol < 0 ? ", or set data.window.series_id if the rows belong to"
                            + " several series" : ""));
                }
            }
            double[] k = rows.stream().mapToDouble(r -> keys[r]).toArray();
            double[][] v = rows.stream().map(r -> values[r].clone()).toArray(double[][]::new);
            List<String> times = rows.stream().map(r -> timeCol >= 0 ? table.rows().get(r)[timeCol].trim()
                    : Integer.toString(r + 1)).toList();
            fill(spec.missing(), k, v);
            series.add(new Series(e.getKey(), times, k, v));
        }

        // consecutive parts of each series, windows inside each part
        List<Cut> train = new ArrayList<>();
        List<Cut> validation = new ArrayList<>();
        List<Cut> test = new ArrayList<>();
        long dropped = 0;
        int span = w.size() + w.horizon();
        Stats[] observed = new Stats[valueCols.size()]; // the train parts' observations, per value column
        Arrays.setAll(observed, k -> new Stats());
        List<List<Cut>> parts = List.of(train, validation, test);
        int longest = 0;
        for (int s = 0; s < series.size(); s++) {
            Series x = series.get(s);
            int len = x.keys().length;
            longest = Math.max(longest, len);
            int[] bounds = bounds(len, spec.split());
            for (int p = 0; p < 3; p++) {
                for (int start = bounds[p]; start + span <= bounds[p + 1]; start += w.stride()) {
                    if (gap(x.values(), start, w.size(), w.horizon(), features, targets)) {
                        dropped++;
                    } else {
                        parts.get(p).add(new Cut(s, start));
                    }
                }
            }
            for (int r = bounds[0]; r < bounds[1]; r++) {
                for (int v = 0; v < valueCols.size(); v++) {
                    if (!Double.isNaN(x.values()[r][v])) {
                        observed[v].add(x.values()[r][v]);
                    }
                }
            }
        }
        String[] names = {"train", "validation", "test"};
        double[] fractions = {spec.split().train(), spec.split().validation(), spec.split().test()};
        for (int p = 0; p < 3; p++) {
            if (parts.get(p).isEmpty()) {
                int[] b = bounds(longest, spec.split());
                int partLen = b[p + 1] - b[p];
                throw new DataException("data.window: no " + names[p] + " window: the " + names[p] + " part of the "
                        + (series.size() == 1 ? "series" : "longest series") + " (" + fractions[p] + " of " + longest
                        + " observations = " + partLen + ") " + (partLen < span ? "is shorter than window.size "
                        + w.size() + " + horizon " + w.horizon() + " = " + span + "; lower data.window.size or raise"
                        + " data.split." + names[p] : "has no window without a gap; set data.missing: interpolate or"
                        + " ffill"));
            }
        }
        List<String> valueNames = valueCols.stream().map(c -> table.columns().get(c)).toList();
        Normalization norm = w.level() == DataSpec.Level.LAST
                ? relativeNormalization(spec, w, features, targets, series, train)
                : normalization(spec, w, features, targets, observed);
        return new Cut3(valueNames, features, targets, series, train, validation, test, dropped, norm);
    }

    /** @return the first index of the validation part, of the test part, and the length, after 0 */
    static int[] bounds(int len, DataSpec.Split split) {
        int nTrain = (int) Math.round(len * split.train());
        int nVal = (int) Math.round(len * split.validation());
        nTrain = Math.min(nTrain, len);
        nVal = Math.min(nVal, len - nTrain);
        return new int[] {0, nTrain, nTrain + nVal, len};
    }

    private static boolean gap(double[][] v, int start, int size, int horizon, int[] features, int[] targets) {
        for (int r = start; r < start + size; r++) {
            for (int f : features) {
                if (Double.isNaN(v[r][f])) {
                    return true;
                }
            }
        }
        for (int r = start + size; r < start + size + horizon; r++) {
            for (int t : targets) {
                if (Double.isNaN(v[r][t])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Fills gaps in place: forward, or linearly in time between the neighbours (leading and trailing gaps stay). */
    static void fill(DataSpec.Missing how, double[] keys, double[][] v) {
        if (how == DataSpec.Missing.FAIL || how == DataSpec.Missing.DROP || v.length == 0) {
            return;
        }
        int cols = v[0].length;
        for (int c = 0; c < cols; c++) {
            int last = -1;
            for (int r = 0; r < v.length; r++) {
                if (!Double.isNaN(v[r][c])) {
                    if (how == DataSpec.Missing.INTERPOLATE && last >= 0 && r - last > 1) {
                        double a = v[last][c];
                        double b = v[r][c];
                        for (int g = last + 1; g < r; g++) {
                            double t = (keys[g] - keys[last]) / (keys[r] - keys[last]);
                            v[g][c] = a + t * (b - a);
                        }
                    }
                    last = r;
                } else if (how == DataSpec.Missing.FFILL && last >= 0) {
                    v[r][c] = v[last][c];
                }
            }
        }
    }

    /** Normalization fitted on the train parts' observations, one entry per column repeated for every step. */
    private static Normalization normalization(DataSpec spec, DataSpec.Window w, int[] features, int[] targets,
                                               Stats[] observed) {
        int nf = features.length;
        int nt = targets.length;
        float[] colShift = new float[observed.length];
        float[] colScale = new float[observed.length];
        for (int v = 0; v < observed.length; v++) {
            colShift[v] = observed[v].shift(spec.normalize());
            colScale[v] = observed[v].scale(spec.normalize());
        }
        float[] shift = new float[w.size() * nf];
        float[] scale = new float[w.size() * nf];
        for (int step = 0; step < w.size(); step++) {
            for (int k = 0; k < nf; k++) {
                shift[step * nf + k] = colShift[features[k]];
                scale[step * nf + k] = colScale[features[k]];
            }
        }
        float[] lShift = new float[w.horizon() * nt];
        float[] lScale = new float[w.horizon() * nt];
        for (int h = 0; h < w.horizon(); h++) {
            for (int j = 0; j < nt; j++) {
                lShift[h * nt + j] = colShift[targets[j]];
                lScale[h * nt + j] = colScale[targets[j]];
            }
        }
        return new Normalization(spec.normalize().name().toLowerCase(Locale.ROOT), shift, scale, lShift, lScale);
    }

    /** Statistics of a sample of values, for one normalization entry. */
    private static final class Stats {
        double sum;
        double sq;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long n;

        void add(double d) {
            sum += d;
            sq += d * d;
            min = Math.min(min, d);
            max = Math.max(max, d);
            n++;
        }

        float shift(DataSpec.Normalize kind) {
            return DataLoader.shift(kind, n == 0 ? 0 : sum / n, n == 0 ? 0 : min);
        }

        float scale(DataSpec.Normalize kind) {
            long m = Math.max(1, n);
            double mean = sum / m;
            return DataLoader.scale(kind, Math.max(0, sq - m * mean * mean), m, n == 0 ? 0 : min, n == 0 ? 1 : max);
        }
    }

    /**
     * Normalization of windows taken relative to their last observed values: fitted per step and
     * column on the train windows' relative values (each step's change from the last input step).
     */
    private static Normalization relativeNormalization(DataSpec spec, DataSpec.Window w, int[] features, int[] targets,
                                                       List<Series> series, List<Cut> train) {
        int nf = features.length;
        int nt = targets.length;
        Stats[] fs = new Stats[w.size() * nf];
        Stats[] ls = new Stats[w.horizon() * nt];
        Arrays.setAll(fs, i -> new Stats());
        Arrays.setAll(ls, i -> new Stats());
        for (Cut c : train) {
            double[][] v = series.get(c.series()).values();
            double[] last = v[c.start() + w.size() - 1];
            for (int step = 0; step < w.size(); step++) {
                for (int k = 0; k < nf; k++) {
                    fs[step * nf + k].add(v[c.start() + step][features[k]] - last[features[k]]);
                }
            }
            for (int h = 0; h < w.horizon(); h++) {
                for (int t = 0; t < nt; t++) {
                    ls[h * nt + t].add(v[c.start() + w.size() + h][targets[t]] - last[targets[t]]);
                }
            }
        }
        DataSpec.Normalize kind = spec.normalize();
        float[] shift = new float[fs.length];
        float[] scale = new float[fs.length];
        for (int i = 0; i < fs.length; i++) {
            shift[i] = fs[i].shift(kind);
            scale[i] = fs[i].scale(kind);
        }
        float[] lShift = new float[ls.length];
        float[] lScale = new float[ls.length];
        for (int i = 0; i < ls.length; i++) {
            lShift[i] = ls[i].shift(kind);
            lScale[i] = ls[i].scale(kind);
        }
        return new Normalization(kind.name().toLowerCase(Locale.ROOT), shift, scale, lShift, lScale);
    }

    private static PreparedData prepared(JavaSparkContext jsc, DataSpec spec, DataSpec.Window w, Cut3 c) {
        List<String> featureNames = new ArrayList<>();
        for (int step = w.size(); step >= 1; step--) {
            for (int f : c.features()) {
                featureNames.add(c.valueColumns().get(f) + "[t-" + step + "]");
            }
        }
        List<String> labelNames = new ArrayList<>();
        for (int h = 1; h <= w.horizon(); h++) {
            for (int t : c.targets()) {
                labelNames.add(c.valueColumns().get(t) + (w.horizon() == 1 ? "" : "[t+" + h + "]"));
            }
        }
        List<String> stepColumns = new ArrayList<>();
        for (int f : c.features()) {
            stepColumns.add(c.valueColumns().get(f));
        }
        PreparedData.Layout layout = new PreparedData.Layout(featureNames, labelNames, List.of(),
                featureNames.size(), labelNames.size(), stepColumns, Map.of());
        Map<String, Long> skipped = c.dropped() > 0 ? Map.of("windows touching a gap", c.dropped()) : Map.of();
        PreparedData.LoadReport report = new PreparedData.LoadReport(c.train().size(), c.validation().size(),
                c.test().size(), new TreeMap<>(skipped));
        return new PreparedData(rdd(jsc, blocks(c, w, c.train())), rdd(jsc, blocks(c, w, c.validation())),
                rdd(jsc, blocks(c, w, c.test())), layout, c.normalization(), report, Optional.of(forecast(spec, c)));
    }

    /** @return the MASE scale, the trivial forecasts' metrics and the test windows' times of cut windows */
    static PreparedData.Forecast forecast(DataSpec spec, Cut3 c) {
        DataSpec.Window w = spec.window().orElseThrow();
        double scale = maseScale(spec, c);
        List<List<String>> times = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Cut cut : c.test()) {
            Series s = c.series().get(cut.series());
            times.add(List.copyOf(s.times().subList(cut.start() + w.size(), cut.start() + w.size() + w.horizon())));
            names.add(s.name());
        }
        return new PreparedData.Forecast(w.seasonality(), scale, baselines(w, c, c.validation(), scale),
                baselines(w, c, c.test(), scale), List.copyOf(times), List.copyOf(names));
    }

    /**
     * The mean absolute error of the one-step seasonal-naive forecast inside the train parts (Hyndman
     * and Koehler, "Another look at measures of forecast accuracy", 2006), averaged over the targets.
     */
    static double maseScale(DataSpec spec, Cut3 c) {
        int m = spec.window().orElseThrow().seasonality();
        double total = 0;
        for (int t : c.targets()) {
            double sum = 0;
            long n = 0;
            for (Series s : c.series()) {
                int end = bounds(s.keys().length, spec.split())[1];
                for (int r = m; r < end; r++) {
                    double d = Math.abs(s.values()[r][t] - s.values()[r - m][t]);
                    if (!Double.isNaN(d)) {
                        sum += d;
                        n++;
                    }
                }
            }
            total += n == 0 ? Double.NaN : sum / n;
        }
        return total / c.targets().length;
    }

    /**
     * The naive forecast (every step repeats the window's last value) and the seasonal-naive one
     * (every step repeats the value one season earlier) on some windows, by the model's metrics.
     */
    static Map<String, Map<String, Double>> baselines(DataSpec.Window w, Cut3 c, List<Cut> cuts, double maseScale) {
        int nt = c.targets().length;
        int lw = w.horizon() * nt;
        int m = w.seasonality();
        double[] truth = new double[cuts.size() * lw];
        double[] naive = new double[truth.length];
        double[] seasonal = new double[truth.length];
        for (int i = 0; i < cuts.size(); i++) {
            Cut cut = cuts.get(i);
            double[][] v = c.series().get(cut.series()).values();
            int last = cut.start() + w.size() - 1;
            for (int h = 0; h < w.horizon(); h++) {
                int at = last + 1 + h;
                int season = at - m * (h / m + 1); // within the window, as seasonality <= size
                for (int t = 0; t < nt; t++) {
                    int col = c.targets()[t];
                    truth[i * lw + h * nt + t] = v[at][col];
                    naive[i * lw + h * nt + t] = v[last][col];
                    seasonal[i * lw + h * nt + t] = v[season][col];
                }
            }
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        out.put("naive", metrics(truth, naive, cuts.size(), lw, maseScale));
        out.put("seasonal_naive", metrics(truth, seasonal, cuts.size(), lw, maseScale));
        return out;
    }

    private static Map<String, Double> metrics(double[] truth, double[] pred, int rows, int width, double maseScale) {
        io.spindle.kernels.eval.MetricsAccumulator acc = io.spindle.kernels.eval.MetricsAccumulator.create(
                io.spindle.kernels.eval.TaskKind.REGRESSION, width);
        acc.add(org.nd4j.linalg.factory.Nd4j.createFromArray(truth).reshape(rows, width),
                org.nd4j.linalg.factory.Nd4j.createFromArray(pred).reshape(rows, width));
        io.spindle.kernels.eval.Metrics r = acc.result();
        return new LinkedHashMap<>(withMase(r, maseScale).values());
    }

    /**
     * @param test a model's test metrics on windows
     * @param f the forecast baselines of the same windows
     * @return them with each trivial forecast's RMSE and MAE beside the model's
     *     ({@code naive_rmse}, {@code seasonal_naive_rmse}, ...), so that every result row holds the
     *     comparison
     */
    public static io.spindle.kernels.eval.Metrics withBaselines(io.spindle.kernels.eval.Metrics test,
                                                                PreparedData.Forecast f) {
        io.spindle.kernels.eval.Metrics out = test;
        for (Map.Entry<String, Map<String, Double>> b : f.testBaselines().entrySet()) {
            for (String metric : List.of("rmse", "mae")) {
                Double v = b.getValue().get(metric);
                if (v != null) {
                    out = out.with(b.getKey() + "_" + metric, v);
                }
            }
        }
        return out;
    }

    /**
     * @param m metrics of a forecast
     * @param maseScale the train parts' seasonal-naive MAE
     * @return them with {@code mase}: their MAE over that scale
     */
    public static io.spindle.kernels.eval.Metrics withMase(io.spindle.kernels.eval.Metrics m, double maseScale) {
        Double mae = m.values().get("mae");
        return mae == null ? m : m.with("mase", maseScale > 0 ? mae / maseScale : Double.NaN);
    }

    private static org.apache.spark.api.java.JavaRDD<Block> rdd(JavaSparkContext jsc, List<Block> blocks) {
        return jsc.parallelize(blocks, Math.max(1, Math.min(blocks.size(), jsc.defaultParallelism())));
    }

    /**
     * @param c the windows
     * @param w the window settings
     * @param cuts the windows of one split
     * @return them as normalized step-major rows, in blocks
     */
    static List<Block> blocks(Cut3 c, DataSpec.Window w, List<Cut> cuts) {
        Normalization norm = c.normalization();
        int nf = c.features().length;
        int nt = c.targets().length;
        int fw = w.size() * nf;
        int lw = w.horizon() * nt;
        boolean relative = w.level() == DataSpec.Level.LAST;
        int values = c.valueColumns().size();
        List<Block> out = new ArrayList<>();
        for (int from = 0; from < cuts.size(); from += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, cuts.size() - from);
            float[] f = new float[rows * fw];
            float[] l = new float[rows * lw];
            float[] o = new float[relative ? rows * lw : 0];
            for (int i = 0; i < rows; i++) {
                Cut cut = cuts.get(from + i);
                double[][] v = c.series().get(cut.series()).values();
                // the window's level: its last observed values, or nothing
                double[] level = relative ? v[cut.start() + w.size() - 1] : new double[values];
                for (int step = 0; step < w.size(); step++) {
                    double[] obs = v[cut.start() + step];
                    for (int k = 0; k < nf; k++) {
                        int j = step * nf + k;
                        int col = c.features()[k];
                        f[i * fw + j] = (float) ((obs[col] - level[col] - norm.featureShift()[j]) / norm.featureScale()[j]);
                    }
                }
                for (int h = 0; h < w.horizon(); h++) {
                    double[] obs = v[cut.start() + w.size() + h];
                    for (int t = 0; t < nt; t++) {
                        int j = h * nt + t;
                        int col = c.targets()[t];
                        l[i * lw + j] = (float) ((obs[col] - level[col] - norm.labelShift()[j]) / norm.labelScale()[j]);
                        if (relative) {
                            o[i * lw + j] = (float) level[col];
                        }
                    }
                }
            }
            out.add(new Block(f, l, rows, o));
        }
        return out;
    }

    // ------------------------------------------------------------------ reading

    static boolean missing(String text) {
        return text.isEmpty() || MISSING.contains(text.toLowerCase(Locale.ROOT));
    }

    private static boolean numeric(Table t, int c) {
        boolean any = false;
        for (String[] f : t.rows()) {
            if (c >= f.length) {
                continue;
            }
            String s = f[c].trim();
            if (missing(s)) {
                continue;
            }
            try {
                Double.parseDouble(s);
                any = true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return any;
    }

    private static int column(Map<String, Integer> index, Table t, String key, String name) {
        Integer c = index.get(name);
        if (c == null) {
            String near = DataLoader.closest(name, t.columns());
            throw new DataException(key + ": no column '" + name + "' in the data (columns: " + String.join(", ", t.columns())
                    + ")" + (near == null ? "" : "; did you mean '" + near + "'?"));
        }
        return c;
    }

    private static String where(Table t, int r) {
        return DataLoader.displayPath(t.files().get(r)) + (t.rowIndexed() ? " row " : " line ") + t.lines().get(r);
    }

    private static String column(Table t, int c) {
        return RowDecoder.column(c + 1, t.columns().get(c));
    }

    private static Table csv(DataSpec spec, List<Path> files, Configuration conf) {
        char delim = spec.delimiter().charAt(0);
        List<String> columns = null;
        List<String[]> rows = new ArrayList<>();
        List<String> fileOf = new ArrayList<>();
        List<Long> lineOf = new ArrayList<>();
        ArrayList<String> fields = new ArrayList<>();
        for (Path p : files) {
            String name = p.toString();
            long line = 0;
            boolean first = true;
            for (String text : lines(p, conf)) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                int unclosed = Csv.split(first && text.startsWith("\uFEFF") ? text.substring(1) : text, delim, fields);
                if (unclosed >= 0) {
                    throw new DataException(DataLoader.displayPath(name) + " line " + line + ", column " + unclosed
                            + ": the quoted value is not closed; close the quote");
                }
                if (first && spec.header()) {
                    first = false;
                    List<String> header = List.copyOf(fields);
                    if (columns == null) {
                        columns = header;
                        if (new HashSet<>(columns).size() != columns.size()) {
                            throw new DataException(DataLoader.displayPath(name) + " line " + line + ": a column name"
                                    + " appears twice in the header; rename one");
                        }
                    } else if (!columns.equals(header)) {
                        throw new DataException(DataLoader.displayPath(name) + " line " + line + ": the header " + header
                                + " differs from the first file's " + columns + "; every data file needs the same columns");
                    }
                    continue;
                }
                first = false;
                if (columns == null) {
                    List<String> c = new ArrayList<>();
                    for (int i = 1; i <= fields.size(); i++) {
                        c.add("c" + i);
                    }
                    columns = c;
                }
                rows.add(fields.toArray(new String[0]));
                fileOf.add(name);
                lineOf.add(line);
            }
        }
        if (columns == null) {
            throw new DataException("data.path '" + spec.path() + "' is empty; data.window needs a table of observations");
        }
        return new Table(columns, rows, fileOf, lineOf, false);
    }

    private static List<String> lines(Path p, Configuration conf) {
        try (InputStream in = Sources.open(p, conf)) {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.asList(all.split("\r\n|\r|\n", -1));
        } catch (IOException e) {
            throw new DataException(DataLoader.displayPath(p.toString()) + ": cannot read it: " + e.getMessage()
                    + "; check the file (a compressed file must be complete)", e);
        }
    }

    private static Table parquet(SparkSession spark, List<Path> files) {
        org.apache.spark.sql.Dataset<Row> df;
        try {
            df = spark.read().parquet(files.stream().map(Path::toString).toArray(String[]::new));
            df.schema();
        } catch (Exception e) {
            DataException d = Unreadable.parquet("data.path", files, e);
            if (d != null) {
                throw d;
            }
            throw e;
        }
        List<String> columns = List.of(df.schema().fieldNames());
        List<Column> sel = new ArrayList<>();
        for (String c : columns) {
            sel.add(functions.col("`" + c.replace("`", "``") + "`").cast("string"));
        }
        sel.add(functions.col("_metadata.file_path"));
        sel.add(functions.col("_metadata.row_index"));
        List<String[]> rows = new ArrayList<>();
        List<String> fileOf = new ArrayList<>();
        List<Long> lineOf = new ArrayList<>();
        for (Row r : df.select(sel.toArray(new Column[0])).collectAsList()) {
            String[] f = new String[columns.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = r.isNullAt(i) ? "" : r.getString(i);
            }
            rows.add(f);
            fileOf.add(r.getString(columns.size()));
            lineOf.add(r.getLong(columns.size() + 1) + 1);
        }
        return new Table(columns, rows, fileOf, lineOf, true);
    }

    // ------------------------------------------------------------------ time

    /** How the time column is written, read from its first value. */
    enum TimeKind {
        NUMBER("a number"), DATE("a date (2024-03-15)"), MONTH("a month (2024-03)"),
        DATETIME("a date-time (2024-03-15T10:30:00)"), OFFSET("a date-time with offset (2024-03-15T10:30:00Z)");

        final String what;

        TimeKind(String what) {
            this.what = what;
        }

        static TimeKind of(String first) {
            for (TimeKind k : values()) {
                if (k.key(first).isPresent()) {
                    return k;
                }
            }
            return DATE; // the first value's own row reports it
        }

        /** @return a number that orders values of this kind (seconds, days' seconds, months), or empty */
        Optional<Double> key(String raw) {
            String s = raw.trim();
            try {
                return Optional.of(switch (this) {
                    case NUMBER -> {
                        double d = Double.parseDouble(s);
                        if (!Double.isFinite(d)) {
                            throw new NumberFormatException();
                        }
                        yield d;
                    }
                    case DATE -> (double) LocalDate.parse(s).toEpochDay() * 86400;
                    case MONTH -> {
                        YearMonth m = YearMonth.parse(s);
                        yield (double) (m.getYear() * 12L + m.getMonthValue() - 1);
                    }
                    case DATETIME -> (double) LocalDateTime.parse(s.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
                    case OFFSET -> (double) OffsetDateTime.parse(s.replace(' ', 'T')).toEpochSecond();
                });
            } catch (NumberFormatException | DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }
}
