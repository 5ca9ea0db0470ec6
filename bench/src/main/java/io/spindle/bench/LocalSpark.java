package io.spindle.bench;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The benchmarks' Spark session: {@code local[2]}, no UI, on the loopback interface unless told otherwise. */
final class LocalSpark {

    private LocalSpark() {
    }

    /**
     * @param appName the application name
     * @param settings further settings, e.g. {@link io.spindle.driver.job.SparkSettings#defaults}
     * @return a session on {@code local[}{@value CaseSpec#WORKERS}{@code ]} (an existing one if
     *     this JVM has one, as {@link SparkSession.Builder#getOrCreate()} does)
     */
    static SparkSession start(String appName, Map<String, String> settings) {
        SparkSession.Builder b = SparkSession.builder().appName(appName).master("local[" + CaseSpec.WORKERS + "]")
                .config("spark.ui.enabled", "false");
        if (System.getenv("SPARK_LOCAL_IP") == null && System.getProperty("spark.driver.host") == null) {
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        settings.forEach(b::config);
        return b.getOrCreate();
    }
}
