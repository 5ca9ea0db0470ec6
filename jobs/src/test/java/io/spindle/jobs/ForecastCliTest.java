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
        assertEquals(0, CliTest.cli("report", out.toString()).code());
    }
}
