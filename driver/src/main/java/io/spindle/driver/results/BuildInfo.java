package io.spindle.driver.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions this build of Spindle was made with ({@code spindle-version.properties}, filled in
 * by Maven): what result rows and provenance documents record.
 */
public final class BuildInfo {

    private static final Properties VERSIONS = load();

    private BuildInfo() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/spindle-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** @return Spindle's version */
    public static String spindle() {
        return VERSIONS.getProperty("spindle", "unknown");
    }

    /** @return the DL4J version it was built with */
    public static String dl4j() {
        return VERSIONS.getProperty("dl4j", "unknown");
    }
}
