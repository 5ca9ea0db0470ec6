package io.spindle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PyTorchRunnerTest {

    @Test
    void epochLinesBecomeCumulativePoints() throws Exception {
        SystemRun run = PyTorchRunner.parse(Systems.CNN, List.of(
                "some warning on stdout",
                "{\"epoch\": 1, \"seconds\": 7.5, \"samples\": 8000, \"accuracy\": 0.95, \"threads\": 2, \"torch\": \"1.13.0\"}",
                "{\"epoch\": 2, \"seconds\": 6.5, \"samples\": 8000, \"accuracy\": 0.97, \"threads\": 2, \"torch\": \"1.13.0\"}"),
                64, new Budget(2, 100));
        assertEquals(Systems.PYTORCH, run.system());
        assertEquals(2, run.epochs());
        assertEquals(14.0, run.last().trainSeconds(), 1e-12);
        assertEquals(16000, run.last().samples());
        assertEquals(16000 / 14.0, run.samplesPerSecond(), 1e-9);
        assertEquals(0.97, run.finalAccuracy(), 1e-12);
        assertTrue(run.note().startsWith("PyTorch 1.13.0 on the CPU, 2 thread(s)"), run.note());
        assertTrue(run.note().contains("stopped at the epoch cap (2)"), run.note());
    }

    @Test
    void noEpochLineIsAFailureThatShowsTheOutput() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PyTorchRunner.parse(Systems.CNN, List.of("Traceback: boom"), 64, new Budget(1, 1)));
        assertTrue(e.getMessage().contains("Traceback: boom"), e.getMessage());
    }

    @Test
    void theScriptShipsWithTheBenchAndTrainsTheCasesLayers() throws Exception {
        try (InputStream in = PyTorchRunner.class.getResourceAsStream(PyTorchRunner.SCRIPT)) {
            assertNotNull(in, PyTorchRunner.SCRIPT + " is not on the classpath");
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(script.contains("nn.Conv2d(1, 32, 3, padding=1)"), "first convolution");
            assertTrue(script.contains("nn.Conv2d(32, 64, 3, padding=1)"), "second convolution");
            assertTrue(script.contains("nn.Linear(7 * 7 * 64, dense)"), "dense layer");
            assertTrue(script.contains("torch.optim.Adam"), "optimizer");
        }
    }
}
