package io.spindle.jobs;

import io.spindle.driver.job.SparkSettings;
import org.apache.spark.sql.SparkSession;

/** The CLI's Spark session: an embedded {@code local[*]} unless a master is given or spark-submit set one. */
final class Sessions {

    private Sessions() {
    }

    /**
     * A session and whether this command owns it: a session that already existed (spark-submit's
     * or an embedding application's) is left running.
     *
     * @param session the session
     * @param owned whether {@link #close()} stops it
     */
    record Handle(SparkSession session, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                session.stop();
            }
        }
    }

    /**
     * @param master master URL, or null for spark-submit's or {@code local[*]}
     * @return the session
     */
    static Handle open(String master) {
        if (SparkSession.getDefaultSession().isDefined() && master == null) {
            return new Handle(SparkSession.getDefaultSession().get(), false);
        }
        SparkSession.Builder b = SparkSession.builder().appName("spindle");
        String configured = System.getProperty("spark.master");
        if (master != null) {
            b.master(master);
        } else if (configured == null) {
            b.master("local[*]");
        }
        if (System.getenv("SPARK_LOCAL_IP") == null && System.getProperty("spark.driver.host") == null) {
            b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        b.config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
        // spark-submit and --conf arrive as system properties; fill in only what they leave unset
        SparkSettings.defaults(k -> java.util.Optional.ofNullable(System.getProperty(k))).forEach(b::config);
        SparkSession s = b.getOrCreate();
        s.sparkContext().setLogLevel(org.apache.logging.log4j.LogManager.getRootLogger().getLevel().toString());
        return new Handle(s, true);
    }
}
