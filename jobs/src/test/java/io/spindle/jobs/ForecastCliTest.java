package io.spindle.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The co2 example end to end, shortened: windows from a raw weekly series with gaps, forecast metrics and baselines. */
class ForecastCliTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void spark() {
        CliTest.spark();
    }

    @Test
    void theCo2ExampleForecastsFromTheRawSeriesAndIsComparedWithTheNaiveForecasts() throws Exception {
        Path out = tmp.resolve("co2");
        CliTest.Run r = CliTest.trainExample("co2.yaml", "co2_weekly.csv", out, "training.epochs=2",
                "model.layers=[{type: lstm, units: 8}, {type: output}]");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        // 2,284 weeks: 1,599 / 343 / 342 in time order, 52 + 1 weeks per window; the 59 gaps interpolated
        assertEquals(1547, s.at("/rows/train").asInt(), s.get("rows").toString());
        assertEquals(291, s.at("/rows/validation").asInt());
        assertEquals(290, s.at("/rows/test").asInt());
        assertEquals(0, s.at("/rows/skipped").asInt());
        for (String m : new String[] {"rmse", "mae", "mape", "smape", "mase"}) {
            assertTrue(s.at("/test/" + m).isNumber(), m + " in " + s.get("test"));
        }
        JsonNode f = s.get("forecast");
        assertEquals(52, f.get("seasonality").asInt());
        double seasonal = f.at("/baselines/test/seasonal_naive/rmse").asDouble();
        double naive = f.at("/baselines/test/naive/rmse").asDouble();
        // weekly CO2: last week is a far better guess than the same week a year earlier (the trend)
        assertTrue(naive > 0.3 && naive < seasonal, f.toString());
        // MASE is the MAE over the train part's seasonal-naive MAE; the growth of CO2 sped up, so the same
        // forecast errs more in the test years than in the train years (above 1)
        assertEquals(f.at("/baselines/test/seasonal_naive/mae").asDouble() / f.get("mase_scale").asDouble(),
                f.at("/baselines/test/seasonal_naive/mase").asDouble(), 1e-9);
        assertTrue(f.at("/baselines/test/seasonal_naive/mase").asDouble() > 1, f.toString());
        assertEquals(100 * (1 - s.at("/test/rmse").asDouble() / seasonal), f.at("/test_rmse_below/seasonal_naive")
                .asDouble(), 1e-9);
        assertTrue(r.out().contains("forecast: test rmse ") && r.out().contains("seasonal naive (every 52 steps)"), r.out());
        // the baselines sit beside the model's test metrics (and so in the trials table)
        assertEquals(seasonal, s.at("/test/seasonal_naive_rmse").asDouble(), 1e-12);
        assertEquals(naive, s.at("/test/naive_rmse").asDouble(), 1e-12);
        CliTest.Run rows = CliTest.cli("sql", out.toString(), "SELECT test_rmse, test_seasonal_naive_rmse FROM trials");
        assertEquals(0, rows.code(), rows.err());
        assertTrue(rows.out().contains(String.valueOf(seasonal).substring(0, 6)), rows.out());

        // every test window's forecast, in time order, in the data's units
        java.util.List<String> lines = java.nio.file.Files.readAllLines(out.resolve("test-forecast.csv"));
        assertEquals("series,time,target,step,actual,predicted", lines.get(0));
        assertEquals(290 + 1, lines.size());
        java.util.List<String> times = lines.stream().skip(1).map(l -> l.split(",")[1]).toList();
        assertEquals(times.stream().sorted().toList(), times, "in time order");
        assertTrue(times.get(0).startsWith("1995") && times.get(times.size() - 1).startsWith("2001"), times.toString());
        double sq = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] v = l.split(",");
            assertEquals("co2_ppm", v[2]);
            double actual = Double.parseDouble(v[4]);
            assertTrue(actual > 350 && actual < 380, l); // ppm of the late 1990s, not standardized values
            sq += Math.pow(actual - Double.parseDouble(v[5]), 2);
        }
        assertEquals(s.at("/test/rmse").asDouble(), Math.sqrt(sq / 290), 1e-3, "the file's forecasts are the tested ones");

        assertEquals(0, CliTest.cli("report", out.toString()).code());
        String html = java.nio.file.Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"forecast-verdict\"") && html.contains("seasonal naive by"), "verdict in the report");
        assertTrue(html.contains("id=\"forecast-baselines\"") && html.contains("<td class=\"l\">seasonal naive</td>"),
                "baselines table in the report");
        int charts = html.indexOf("id=\"forecast-charts\"");
        assertTrue(charts > 0 && html.indexOf("<svg", charts) > charts, "a forecast chart");
    }
}
