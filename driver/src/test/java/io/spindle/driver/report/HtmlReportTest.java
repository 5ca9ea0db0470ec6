package io.spindle.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The report's sweep sections: hyperparameter charts and the sensitivity ranking. */
@Tag("fast")
class HtmlReportTest {

    static Map<String, Object> trial(int i, double lr, long units, double val) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("sweep_id", "s");
        t.put("trial_id", "t" + i);
        t.put("status", "COMPLETED");
        t.put("training_lr", lr);
        t.put("model_layers_0_units", units);
        t.put("training_seed", 42L);
        t.put("select_metric", "accuracy");
        t.put("best_val", val);
        return t;
    }

    @Test
    void regressionShowsPredictedAgainstActual() {
        String html = HtmlReport.render("run", List.of(trial(0, 0.001, 64, 0.5)), List.of(), Optional.empty(),
                List.of(new double[] {1, 1.1}, new double[] {2, 1.8}, new double[] {3, 3.3}));
        assertTrue(html.contains("aria-label=\"Predicted vs actual\""), "the scatter is there");
        assertFalse(HtmlReport.render("run", List.of(trial(0, 0.001, 64, 0.5)), List.of(), Optional.empty(), List.of())
                .contains("Predicted vs actual"), "classification runs have none");
    }

    @Test
    void forecastsGetOneChartPerHorizonStepOverTime() {
        List<HtmlReport.ForecastPoint> points = new ArrayList<>();
        for (int year = 1984; year <= 1990; year++) {
            points.add(new HtmlReport.ForecastPoint("", String.valueOf(year), "sunspots", 1, year - 1900, year - 1901));
            points.add(new HtmlReport.ForecastPoint("", String.valueOf(year + 1), "sunspots", 2, year - 1899, year - 1897));
        }
        String html = HtmlReport.render("run", List.of(trial(0, 0.001, 64, 0.5)), List.of(), Optional.empty(), List.of(),
                Optional.empty(), points);
        int charts = html.indexOf("id=\"forecast-charts\"");
        assertTrue(charts > 0, "the forecast section");
        assertTrue(html.contains("sunspots, next step") && html.contains("sunspots, 2 steps ahead"), "one chart per step");
        assertEquals("#", HtmlReport.forecastChart(points.subList(0, 1)).getStyler().getXAxisDecimalPattern(),
                "years as years on the time axis, not 1,984");
        String dated = HtmlReport.render("run", List.of(), List.of(), Optional.empty(), List.of(), Optional.empty(),
                List.of(new HtmlReport.ForecastPoint("", "2001-01-06", "co2", 1, 370, 370.2),
                        new HtmlReport.ForecastPoint("", "2001-01-13", "co2", 1, 370.3, 370.1)));
        assertTrue(dated.contains("co2, next step"), "dates parse as a time axis");
        assertTrue(HtmlReport.date("2001-01").isPresent() && HtmlReport.date("2001-01-06T10:00:00").isPresent()
                && HtmlReport.date("week 3").isEmpty());
    }

    @Test
    void spearmanIsRankCorrelationWithTies() {
        assertEquals(1.0, HtmlReport.spearman(List.of(new double[] {1, 10}, new double[] {2, 20}, new double[] {3, 90})), 1e-12);
        assertEquals(-1.0, HtmlReport.spearman(List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1})), 1e-12);
        assertEquals(0.0, HtmlReport.spearman(List.of(new double[] {1, 5}, new double[] {2, 5}, new double[] {3, 5})), 1e-12);
    }

    @Test
    void sweepsRankTheHyperparametersTheMetricFollows() {
        List<Map<String, Object>> trials = new ArrayList<>();
        // accuracy rises with the learning rate; units vary without effect
        long[] units = {64, 256, 128, 64, 256, 128};
        for (int i = 0; i < 6; i++) {
            trials.add(trial(i, 0.001 * (i + 1), units[i], 0.80 + 0.02 * i));
        }
        trials.add(trial(9, 0.02, 64, Double.NaN)); // a diverged trial is left out of the ranking
        String html = HtmlReport.render("sweep", trials, List.of(), Optional.empty(), List.of());
        assertEquals(List.of("model_layers_0_units", "training_lr"),
                HtmlReport.varyingHyperparameters(trials).stream().sorted().toList());
        int ranking = html.indexOf("id=\"importance\"");
        assertTrue(ranking > 0, "importance table");
        assertTrue(html.indexOf("training_lr", ranking) < html.indexOf("model_layers_0_units", ranking),
                "the learning rate ranks first");
        assertTrue(html.contains("aria-label=\"training_lr\"") && html.contains("aria-label=\"model_layers_0_units\""),
                "a chart per hyperparameter");
        assertFalse(html.contains("aria-label=\"training_seed\""), "the seed is not a hyperparameter");
        int board = html.indexOf("id=\"leaderboard\"");
        assertTrue(html.indexOf(">t5<", board) < html.indexOf(">t0<", board), "best first");
        assertTrue(html.indexOf(">t0<", board) < html.indexOf(">t9<", board), "NaN last");
    }
}
