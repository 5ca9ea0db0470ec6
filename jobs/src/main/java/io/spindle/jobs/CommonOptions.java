package io.spindle.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options several commands share, each group declared once as a picocli mixin: a command
 * takes the groups it supports ({@code @Mixin CommonOptions.Output output;}) instead of declaring
 * the options again. {@code CommonOptionsTest} fails when a command declares one of these names
 * itself.
 */
final class CommonOptions {

    /** The option names these groups own; no command declares them outside a group. */
    static final List<String> NAMES = List.of("--master", "--verbose", "--set", "--output", "--overwrite", "--resume");

    private CommonOptions() {
    }

    /** {@code --verbose}: every command (read by {@link Main#run} before parsing, for the logs). */
    static class Verbose {
        @Option(names = "--verbose", description = "log more, and print stack traces of errors")
        boolean verbose;
    }

    /** {@code --master}: the Spark master of commands that start a session. */
    static class Master {
        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master (default: local[*], or spark-submit's)")
        String url;

        /** @return the session, owned by the command unless spark-submit or an embedding application made it */
        Sessions.Handle open() {
            return Sessions.open(url);
        }
    }

    /** {@code --set KEY=VALUE}: overrides of the spec (or sweep) file's keys, applied in order. */
    static class Overrides {
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a spec key, e.g. --set"
                + " training.lr=0.01 (repeatable; a sweep file's sweep keys too, e.g. --set sweep.trials=8)")
        List<String> values = new ArrayList<>();

        /**
         * @return the overrides as they are typed again on a shell's command line (" --set k=v" each; a value
         *     with characters the shell would split or expand in single quotes)
         */
        String asArguments() {
            return values.stream().map(o -> " --set " + (o.matches("[A-Za-z0-9_.,:/=+@%-]*") ? o
                    : "'" + o.replace("'", "'\\''") + "'")).collect(Collectors.joining());
        }
    }

    /** {@code --overwrite}: replace what is in the output folder. */
    static class Overwrite {
        @Option(names = "--overwrite", description = "replace an existing output folder")
        boolean overwrite;
    }

    /** {@code --output DIR}, optional: without it the folder is named after the run. */
    static class Output {
        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output folder, any Hadoop FS URI"
                + " (default: spindle-out/ and the run's name: the spec's or sweep's name; doctor adds -doctor,"
                + " lr-find -lr-find; demo: spindle-out/demo)")
        String dir;

        /**
         * @param name the run's name, the folder when no {@code --output} is given
         * @return {@code --output}, or {@code spindle-out/NAME}
         */
        String orDefault(String name) {
            return dir != null ? dir : "spindle-out/" + name;
        }
    }

    /** {@code --resume}: continue an interrupted run in its output folder. */
    static class Resume {
        @Option(names = "--resume", description = "continue the interrupted run in --output from its last"
                + " checkpoint(s), with the same file and --set values (a sweep keeps its finished trials)")
        boolean resume;
    }

    /** {@code --format}: how commands print rows. */
    static class Format {
        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
                description = "table (default), csv (with a header row) or json (one object per line)")
        String value;

        /**
         * @return the format, checked
         * @throws io.spindle.driver.results.ResultViews.ResultsException when it is none of the three
         */
        String checked() {
            if (!List.of("table", "csv", "json").contains(value)) {
                throw new io.spindle.driver.results.ResultViews.ResultsException(
                        "--format must be table, csv or json, got '" + value + "'");
            }
            return value;
        }
    }

    /** The options of the commands that train and checkpoint (train, sweep, doctor): every group but --format. */
    static class Run {
        @Mixin
        Output output;

        @Mixin
        Overwrite overwrite;

        @Mixin
        Resume resume;

        @Mixin
        Overrides overrides;

        @Mixin
        Master master;

        @Mixin
        Verbose common;
    }
}
