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
        String url = master != null ? master : configured;
        if (url != null && url.startsWith("spark://")) {
            reachable(url);
        }
        SparkSession s;
        try {
            s = b.getOrCreate();
        } catch (RuntimeException e) {
            // a standalone master that refuses the application gets the context stopped while it starts
            for (Throwable c = e; c != null && url != null && url.startsWith("spark://"); c = c.getCause()) {
                if (c instanceof IllegalStateException && String.valueOf(c.getMessage()).contains("stopped SparkContext")) {
                    throw refused(url);
                }
            }
            throw e;
        }
        s.sparkContext().setLogLevel(org.apache.logging.log4j.LogManager.getRootLogger().getLevel().toString());
        if (url != null && url.startsWith("spark://")) {
            // standalone masters start executors at once (YARN and Kubernetes may scale from zero)
            try {
                awaitExecutors(s, url);
            } catch (RuntimeException e) {
                s.stop();
                throw e;
            }
        }
        return new Handle(s, true);
    }

    /** How long to wait for a cluster's first executor (seconds), unless spark.spindle.executorWaitSeconds says. */
    static final int EXECUTOR_WAIT_SECONDS = 90;
    /** How long to wait for a standalone master's port to answer (milliseconds). */
    static final int CONNECT_MILLIS = 5000;

    /** Fails fast, with one line, when no standalone master answers at any address of the URL. */
    static void reachable(String url) {
        String hosts = url.substring("spark://".length());
        String last = "";
        for (String hp : hosts.split(",")) {
            int colon = hp.lastIndexOf(':');
            String host = colon < 0 ? hp : hp.substring(0, colon);
            int port;
            try {
                port = colon < 0 ? 7077 : Integer.parseInt(hp.substring(colon + 1).replaceAll("/.*", ""));
            } catch (NumberFormatException e) {
                throw new ClusterException("--master " + url + ": '" + hp + "' is not host:port");
            }
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port), CONNECT_MILLIS);
                return;
            } catch (java.io.IOException e) {
                last = e.getMessage();
            }
        }
        throw new ClusterException("cannot reach the Spark master at " + url + " (" + last + ") within "
                + CONNECT_MILLIS / 1000 + " s: check the URL and that the master is running"
                + " (deploy/standalone.sh status)");
    }

    /**
     * Waits until the cluster gives the application an executor: a wrong authentication secret,
     * or workers without the cores or memory asked for, would otherwise leave every job waiting.
     */
    static void awaitExecutors(SparkSession s, String url) {
        int seconds = Integer.parseInt(s.sparkContext().getConf().get("spark.spindle.executorWaitSeconds",
                String.valueOf(EXECUTOR_WAIT_SECONDS)));
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                if (s.sparkContext().isStopped()) {
                    throw refused(url);
                }
                if (s.sparkContext().statusTracker().getExecutorInfos().length >= 2) { // the driver counts as one
                    return;
                }
            } catch (IllegalStateException e) {
                throw refused(url); // stopped between the two calls
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException("no executor of " + url + " joined within " + seconds + " s: check that"
                        + " spark.authenticate.secret matches the cluster's and that the workers have the cores"
                        + " and memory asked for (spark.executor.cores, spark.executor.memory); wait longer with"
                        + " --conf spark.spindle.executorWaitSeconds=N");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted while waiting for executors of " + url);
            }
        }
    }

    /** Spark gives up after three 20 s registration attempts; a refused secret looks the same. */
    private static ClusterException refused(String url) {
        return new ClusterException("the Spark master at " + url + " did not accept the application (Spark stopped"
                + " it): check that spark.authenticate is on and spark.authenticate.secret matches the cluster's"
                + " (deploy/standalone.sh submit passes the cluster's)");
    }

    /** A cluster that cannot run the application: one line, exit code 2. */
    static final class ClusterException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ClusterException(String message) {
            super(message);
        }
    }
}
