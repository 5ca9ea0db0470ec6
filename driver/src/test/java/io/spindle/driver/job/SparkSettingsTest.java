package io.spindle.driver.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ND4J's off-heap limits follow executor memory and overhead; the user's settings always win. */
class SparkSettingsTest {

    static Map<String, String> defaults(Map<String, String> user) {
        return SparkSettings.defaults(k -> Optional.ofNullable(user.get(k)));
    }

    @Test
    void sizesOffHeapFromExecutorMemoryAndOverhead() {
        Map<String, String> d = defaults(Map.of("spark.executor.memory", "8g"));
        assertEquals("4096m", d.get("spark.executor.memoryOverhead"), "half the executor memory");
        // the off-heap limit bounds the executor; JavaCPP's costly check of the physical memory is off
        assertEquals("-Dorg.bytedeco.javacpp.maxbytes=3712m -Dorg.bytedeco.javacpp.maxphysicalbytes=0",
                d.get("spark.executor.extraJavaOptions"));
        assertEquals("false", d.get("spark.broadcast.compress"));
        assertEquals("FAIR", d.get("spark.scheduler.mode"), "concurrent trials get their own pools");
        assertEquals("120m", d.get("spark.task.maxDirectResultSize"));
        assertEquals("io.delta.sql.DeltaSparkSessionExtension", d.get("spark.sql.extensions"));
        assertEquals("x.Ext,io.delta.sql.DeltaSparkSessionExtension",
                defaults(Map.of("spark.sql.extensions", "x.Ext")).get("spark.sql.extensions"), "added to the user's own");

        Map<String, String> small = defaults(Map.of());
        assertEquals("1024m", small.get("spark.executor.memoryOverhead"), "at least 1 GiB");
        assertTrue(small.get("spark.executor.extraJavaOptions").contains("maxbytes=640m"));
    }

    @Test
    void userSettingsWin() {
        Map<String, String> d = defaults(Map.of("spark.executor.memory", "4g", "spark.executor.memoryOverhead", "2g",
                "spark.executor.extraJavaOptions", "-XX:+UseG1GC", "spark.spindle.offheap.maxbytes", "1500m",
                "spark.broadcast.compress", "true", "spark.scheduler.mode", "FIFO"));
        assertFalse(d.containsKey("spark.executor.memoryOverhead"));
        assertFalse(d.containsKey("spark.broadcast.compress"));
        assertFalse(d.containsKey("spark.scheduler.mode"));
        assertEquals("-XX:+UseG1GC -Dorg.bytedeco.javacpp.maxbytes=1500m -Dorg.bytedeco.javacpp.maxphysicalbytes=0",
                d.get("spark.executor.extraJavaOptions"));
        assertEquals("-Dorg.bytedeco.javacpp.maxbytes=640m -Dorg.bytedeco.javacpp.maxphysicalbytes=6144m",
                defaults(Map.of("spark.spindle.offheap.maxphysicalbytes", "6g")).get("spark.executor.extraJavaOptions"),
                "a physical limit when asked for");
        Map<String, String> own = defaults(Map.of("spark.executor.extraJavaOptions",
                "-Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=5g"));
        assertFalse(own.containsKey("spark.executor.extraJavaOptions"), "explicit -D options are kept as they are");
    }

    @Test
    void badSizeNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> defaults(Map.of("spark.executor.memory", "lots")));
        assertTrue(e.getMessage().contains("spark.executor.memory must be a memory size"), e.getMessage());
    }
}
