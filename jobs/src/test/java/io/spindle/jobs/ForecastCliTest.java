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
        assertTrue(times.get(0).startsWith("1996") && times.get(times.size() - 1).startsWith("2001"), times.toString());
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

    @Test
    void theSunspotsGruExampleTrainsAndSavesItsGru() throws Exception {
        Path out = tmp.resolve("sunspots");
        CliTest.Run r = CliTest.trainExample("sunspots.yaml", "sunspots_yearly.csv", out, "training.epochs=3");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        // 309 years: 216 / 46 / 47 in time order, 22 + 1 years per window
        assertEquals(194, s.at("/rows/train").asInt(), s.get("rows").toString());
        assertEquals(24, s.at("/rows/validation").asInt());
        assertEquals(25, s.at("/rows/test").asInt());
        assertEquals(11, s.at("/forecast/seasonality").asInt());
        java.util.List<String> lines = java.nio.file.Files.readAllLines(out.resolve("test-forecast.csv"));
        assertEquals(26, lines.size());
        assertEquals("1984", lines.get(1).split(",")[1], "the first test target: the year after 22 test-part years");
        assertEquals("2008", lines.get(25).split(",")[1]);
        var net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile());
        org.deeplearning4j.nn.conf.layers.Layer first = net.getLayerWiseConfigurations().getConf(0).getLayer();
        assertTrue(first instanceof org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep l
                && l.getUnderlying() instanceof io.spindle.kernels.nn.Gru, String.valueOf(first));
    }

    @Test
    void theSunspotsTransformerExampleTrainsAndSavesItsEncoder() throws Exception {
        Path out = tmp.resolve("sunspots-transformer");
        CliTest.Run r = CliTest.trainExample("sunspots-transformer.yaml", "sunspots_yearly.csv", out, "training.epochs=2");
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(s.at("/test/rmse").isNumber() && s.at("/test/seasonal_naive_rmse").isNumber(), s.get("test").toString());
        var net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(out.resolve("model.zip").toFile());
        assertTrue(net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof io.spindle.kernels.nn.TransformerEncoder e
                && e.isLastStep() && e.getModelSize() == 16 && e.getHeads() == 2);
    }

    @Test
    void theSunspotsSweepSearchesWindowSizeAndUnits() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path out = tmp.resolve("sunspots-sweep");
        // conf/sweeps/sunspots.yaml shortened: 2 x 2 trials of 2 epochs
        Path sweep = tmp.resolve("sunspots-sweep.yaml");
        java.nio.file.Files.writeString(sweep, "extends: " + root.resolve("conf/jobs/sunspots.yaml") + "\n"
                + "data: {path: " + root.resolve("conf/datasets/sunspots_yearly.csv") + "}\n"
                + "training: {epochs: 2}\n"
                + "sweep:\n  strategy: grid\n  parallel_trials: 2\n  metric: rmse\n  space:\n"
                + "    data.window.size: {choice: [11, 33]}\n    model.layers[0].units: {choice: [4, 8]}\n");
        CliTest.Run r = CliTest.cli("sweep", sweep.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err() + r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(4, s.get("trials").asInt(), s.toString());
        assertTrue(s.at("/best/forecast/verdict").asText().contains("seasonal naive by"), s.toString());
        CliTest.Run rows = CliTest.cli("sql", out.toString(),
                "SELECT data_window_size, count(*) AS n FROM trials GROUP BY data_window_size ORDER BY data_window_size");
        assertEquals(0, rows.code(), rows.err());
        assertTrue(rows.out().contains("11") && rows.out().contains("33"), rows.out());
        // a longer window leaves fewer test windows: the best trial's forecast file has one row per its windows
        long windows = java.nio.file.Files.readAllLines(out.resolve("best/test-forecast.csv")).size() - 1;
        int size = s.at("/best/config/data.window.size").asInt();
        assertEquals(47 - size, windows, s.get("best").toString());
    }
}
