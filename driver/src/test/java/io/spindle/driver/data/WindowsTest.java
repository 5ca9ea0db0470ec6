package io.spindle.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.SpecException;
import io.spindle.driver.spec.SpecParser;
import io.spindle.driver.spec.SpecTrees;
import io.spindle.kernels.Block;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Windows cut from a series: the time split, gaps, baselines and levels, on tables built here (no Spark). */
@Tag("fast")
class WindowsTest {

    static DataSpec spec(String window, String more) {
        return SpecParser.resolve(SpecTrees.parse("""
                data:
                  path: series.csv
                  task: regression
                  window: %s
                %s
                model: {preset: timeseries}
                """.formatted(window, more.indent(2)), "t"), "t", Path.of(".")).data();
    }

    /** A table of n rows with columns t and y, y(i) given. */
    static Windows.Table table(int n, IntFunction<String> time, IntFunction<String> y) {
        List<String[]> rows = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new String[] {time.apply(i), y.apply(i)});
            files.add("file:/data/series.csv");
            lines.add(i + 2L);
        }
        return new Windows.Table(List.of("t", "y"), rows, files, lines, false);
    }

    @Test
    void theTimeSplitNeverLetsATrainTargetReachPastAValidationInput() {
        // a strictly increasing series given out of order: every value is its own time
        DataSpec s = spec("{size: 5, horizon: 2, time: t, targets: [y]}", "");
        assertEquals(DataSpec.SplitMethod.TIME, s.split().method(), "time is the default with a window");
        Windows.Table t = table(200, i -> Integer.toString((i * 37) % 200), i -> Integer.toString((i * 37) % 200));
        Windows.Cut3 c = Windows.cut(s, t);
        // 140 / 30 / 30 observations; windows of 7 inside each part
        assertEquals(134, c.train().size());
        assertEquals(24, c.validation().size());
        assertEquals(24, c.test().size());
        double[][] v = c.series().get(0).values();
        double lastTrainTarget = c.train().stream().mapToDouble(w -> v[w.start() + 6][0]).max().orElseThrow();
        double firstValInput = c.validation().stream().mapToDouble(w -> v[w.start()][0]).min().orElseThrow();
        double lastValTarget = c.validation().stream().mapToDouble(w -> v[w.start() + 6][0]).max().orElseThrow();
        double firstTestInput = c.test().stream().mapToDouble(w -> v[w.start()][0]).min().orElseThrow();
        assertTrue(lastTrainTarget < firstValInput, lastTrainTarget + " < " + firstValInput);
        assertTrue(lastValTarget < firstTestInput, lastValTarget + " < " + firstTestInput);
        assertEquals(139.0, lastTrainTarget);
        assertEquals(140.0, firstValInput);
    }

    @Test
    void seriesAreWindowedOnTheirOwnAndNoWindowCrossesTwo() {
        DataSpec s = spec("{size: 3, time: t, targets: [y], series_id: station}", "");
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(new String[] {"a", Integer.toString(i), Integer.toString(i)});
            rows.add(new String[] {"b", Integer.toString(i), Integer.toString(1000 + i)});
        }
        List<String> files = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            files.add("f.csv");
            lines.add(i + 2L);
        }
        Windows.Cut3 c = Windows.cut(s, new Windows.Table(List.of("station", "t", "y"), rows, files, lines, false));
        assertEquals(List.of("a", "b"), c.series().stream().map(Windows.Series::name).toList());
        // per series 28 / 6 / 6 observations, windows of 4 inside each part: 25 / 3 / 3
        assertEquals(50, c.train().size());
        assertEquals(6, c.validation().size());
        assertEquals(6, c.test().size());
        // each series holds only its own rows, in time order
        assertEquals(1000.0, c.series().get(1).values()[0][0]);
        assertEquals(39.0, c.series().get(0).values()[39][0]);
    }

    @Test
    void aPartShorterThanAWindowIsRefusedWithItsLength() {
        DataSpec s = spec("{size: 40, time: t, targets: [y]}", "");
        DataException e = assertThrows(DataException.class, () -> Windows.cut(s, table(100, Integer::toString,
                Integer::toString)));
        assertTrue(e.getMessage().contains("no validation window: the validation part of the series (0.15 of 100"
                + " observations = 15) is shorter than window.size 40 + horizon 1 = 41"), e.getMessage());
    }

    @Test
    void gapsFailByDefaultNamingLineAndColumnOrAreFilledAsAsked() {
        IntFunction<String> withGaps = i -> i == 10 || i == 11 ? "" : Integer.toString(2 * i);
        // uneven times: 0, 1, ..., 9, then steps of 2
        IntFunction<String> time = i -> Integer.toString(i < 10 ? i : 10 + 2 * (i - 10));
        DataException e = assertThrows(DataException.class, () -> Windows.cut(spec("{size: 3, time: t, targets: [y]}", ""),
                table(60, time, withGaps)));
        assertEquals("/data/series.csv line 12, column 'y' (2): the value is missing; set data.missing: drop (skip the"
                + " windows that touch a gap), ffill (carry the last value forward) or interpolate (linear in time between"
                + " the neighbours)", e.getMessage());

        Windows.Cut3 interp = Windows.cut(spec("{size: 3, time: t, targets: [y]}", "missing: interpolate"),
                table(60, time, withGaps));
        double[][] v = interp.series().get(0).values();
        // neighbours 18 at t=9 and 24 at t=14: t=10 -> 18 + 6/5, t=12 -> 18 + 18/5 (in time, not by position)
        assertEquals(18 + 6.0 / 5, v[10][0], 1e-9);
        assertEquals(18 + 18.0 / 5, v[11][0], 1e-9);
        Windows.Cut3 ffill = Windows.cut(spec("{size: 3, time: t, targets: [y]}", "missing: ffill"), table(60, time, withGaps));
        assertEquals(18.0, ffill.series().get(0).values()[11][0]);
        Windows.Cut3 drop = Windows.cut(spec("{size: 3, time: t, targets: [y]}", "missing: drop"), table(60, time, withGaps));
        // windows of 4 observations touching index 10 or 11: starts 7..11
        assertEquals(5, drop.dropped());
        assertEquals(interp.train().size() - 5, drop.train().size());
    }

    @Test
    void badTimesAreNamedWithTheirRow() {
        DataSpec s = spec("{size: 3, time: t, targets: [y]}", "");
        DataException dup = assertThrows(DataException.class, () -> Windows.cut(s,
                table(30, i -> "2024-03-" + String.format("%02d", i == 7 ? 3 : i + 1), Integer::toString)));
        assertTrue(dup.getMessage().startsWith("data.window.time 't': the series has two observations at 2024-03-03"
                + " (/data/series.csv line 4 and /data/series.csv line 9); keep one"), dup.getMessage());
        DataException bad = assertThrows(DataException.class, () -> Windows.cut(s,
                table(30, i -> i == 5 ? "March" : "2024-03-" + String.format("%02d", i + 1), Integer::toString)));
        assertEquals("/data/series.csv line 7, column 't' (1): 'March' is not a date (2024-03-15) like the first row's"
                + " '2024-03-01'; fix the value, or data.window.time", bad.getMessage());
        DataException text = assertThrows(DataException.class, () -> Windows.cut(s,
                table(30, Integer::toString, i -> i == 3 ? "high" : "1")));
        assertTrue(text.getMessage().startsWith("/data/series.csv line 5, column 'y' (2): 'high' is not a number"),
                text.getMessage());
    }

    @Test
    void theNaiveForecastsAreScoredOnTheModelsWindows() {
        // y = t: the naive forecast is off by the horizon step, the seasonal one by the season
        DataSpec s = spec("{size: 4, horizon: 2, time: t, targets: [y], seasonality: 3}", "");
        Windows.Cut3 c = Windows.cut(s, table(100, Integer::toString, Integer::toString));
        Map<String, Map<String, Double>> b = Windows.baselines(s.window().get(), c, c.test(), Windows.maseScale(s, c));
        // errors 1 and 2 for the two steps: RMSE per step 1 and 2, averaged
        assertEquals(1.5, b.get("naive").get("rmse"), 1e-9);
        assertEquals(1.5, b.get("naive").get("mae"), 1e-9);
        // one season back for both steps: errors 3
        assertEquals(3.0, b.get("seasonal_naive").get("rmse"), 1e-9);
        // the train part's one-step seasonal-naive error is 3: MASE 1 for the seasonal forecast
        assertEquals(3.0, Windows.maseScale(s, c), 1e-9);
        assertEquals(1.0, b.get("seasonal_naive").get("mase"), 1e-9);
        assertTrue(b.get("naive").get("mape") > 0 && b.get("naive").get("smape") > 0);
    }

    @Test
    void aWindowTakenRelativeToItsLastValueCarriesThatLevelAsItsOffset() {
        DataSpec s = spec("{size: 4, time: t, targets: [y], level: last}", "normalize: none");
        Windows.Cut3 c = Windows.cut(s, table(100, Integer::toString, i -> Integer.toString(10 * i)));
        List<Block> blocks = Windows.blocks(c, s.window().get(), c.test());
        Block first = blocks.get(0);
        Windows.Cut w = c.test().get(0);
        // inputs 10s, 20s, ... relative to the last: -30, -20, -10, 0; the target is 10 above it
        assertEquals(List.of(-30f, -20f, -10f, 0f), List.of(first.features()[0], first.features()[1], first.features()[2],
                first.features()[3]));
        assertEquals(10f, first.labels()[0]);
        assertEquals(10f * (w.start() + 3), first.offsets()[0]);
    }

    @Test
    void windowSpecsThatCannotWorkAreRefused() {
        assertTrue(refused("{size: 5, targets: [y]}", "split: {method: random}").contains("future of validation"));
        assertTrue(refused("{size: 5, targets: [y], seasonality: 7}", "").contains("seasonality 7 is longer than"));
        assertTrue(refused("{size: 5, targets: [y]}", "label: y").contains("data.label"));
        assertTrue(refused("{size: 0, targets: [y]}", "").contains("data.window.size"));
        assertTrue(refused("{size: 5, horizon: 0, targets: [y]}", "").contains("data.window.horizon"));
        assertTrue(refused("{size: 5, targets: [y], time: y}", "").contains("data.window.targets must not contain 'y'"));
        String noWindow = assertThrows(SpecException.class, () -> SpecParser.resolve(SpecTrees.parse(
                "{data: {path: x.csv, label: y, task: regression, missing: ffill}}", "t"), "t", Path.of("."))).getMessage();
        assertTrue(noWindow.contains("data.missing ffill applies to a series cut into windows"), noWindow);
        String mase = assertThrows(SpecException.class, () -> SpecParser.resolve(SpecTrees.parse(
                "{data: {path: x.csv, label: y, task: regression}, metrics: {select: mase}}", "t"), "t", Path.of(".")))
                .getMessage();
        assertTrue(mase.contains("metrics.select"), mase);
    }

    private static String refused(String window, String more) {
        return assertThrows(SpecException.class, () -> spec(window, more)).getMessage();
    }
}
