package io.spindle.driver.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code data} section of a job spec: where the rows are, how to read them, what to predict
 * and how to split and normalize them. Immutable; built by {@link SpecParser} after validation.
 * The rules that hold between its own fields are checked here, once, whoever builds it (the
 * parser, the loader's copies, prediction's specs of the rows to score).
 *
 * @param path Hadoop FS URI or local path of the data (a file, a folder or a glob)
 * @param format how the files are encoded
 * @param header for CSV: whether the first line of each file names the columns
 * @param delimiter for CSV: the field separator (one character)
 * @param label the label column, or several for multilabel and multi-output regression
 * @param task what is predicted
 * @param features the feature columns; empty means every column that is not a label
 * @param categorical feature columns to one-hot encode
 * @param classes declared class labels (multiclass / binary), in index order; empty: inferred
 * @param split fractions and seed of the random train / validation / test split
 * @param validationPath explicit validation data (same format and columns), or empty
 * @param testPath explicit test data (same format and columns), or empty
 * @param normalize feature scaling, fitted on the train split only
 * @param image image geometry of the feature columns, or empty for tabular rows
 * @param sequence sequence geometry of the feature columns, or empty for tabular rows
 * @param onBadRecord what to do with a row that cannot be read
 * @param window supervised windows cut from a series of observations, or empty for rows as they are
 * @param missing what to do with missing values of a windowed series
 */
public record DataSpec(
        String path,
        Format format,
        boolean header,
        String delimiter,
        List<String> label,
        Task task,
        List<String> features,
        List<String> categorical,
        List<String> classes,
        Split split,
        Optional<String> validationPath,
        Optional<String> testPath,
        Normalize normalize,
        Optional<Image> image,
        Optional<Sequence> sequence,
        OnBadRecord onBadRecord,
        Optional<Window> window,
        Missing missing) {

    public DataSpec {
        Objects.requireNonNull(path, "data.path");
        Objects.requireNonNull(format, "data.format");
        label = List.copyOf(label);
        features = List.copyOf(features);
        categorical = List.copyOf(categorical);
        classes = List.copyOf(classes);
        Objects.requireNonNull(task, "data.task");
        Objects.requireNonNull(split, "data.split");
        Objects.requireNonNull(normalize, "data.normalize");
        Objects.requireNonNull(onBadRecord, "data.on_bad_record");
        Objects.requireNonNull(window, "data.window");
        Objects.requireNonNull(missing, "data.missing");
        if ((task == Task.BINARY || task == Task.MULTICLASS) && label.size() > 1) {
            throw new SpecException("data.label must be one column for a " + task.spelling() + " task, got " + label
                    + "; use task: multilabel for several 0/1 label columns");
        }
        if (new java.util.HashSet<>(classes).size() != classes.size()) {
            throw new SpecException("data.classes must not repeat a class, got " + classes);
        }
        if (task == Task.BINARY && !classes.isEmpty() && classes.size() != 2) {
            throw new SpecException("data.classes must name exactly 2 classes for a binary task (negative, positive), got "
                    + classes.size());
        }
        if (format == Format.LIBSVM && label.size() > 1) {
            throw new SpecException("data.format libsvm has one label per line; data.label must name one column, got "
                    + label);
        }
        if (format == Format.LIBSVM && !categorical.isEmpty()) {
            throw new SpecException("data.categorical does not apply to data.format libsvm: its features are numbers;"
                    + " remove data.categorical");
        }
        if (format == Format.CSV && delimiter.length() != 1) {
            throw new SpecException("data.delimiter must be one character, got '" + delimiter + "'");
        }
    }

    /** A spec of rows as they are (no window; a missing value is a bad record). */
    public DataSpec(String path, Format format, boolean header, String delimiter, List<String> label, Task task,
                    List<String> features, List<String> categorical, List<String> classes, Split split,
                    Optional<String> validationPath, Optional<String> testPath, Normalize normalize,
                    Optional<Image> image, Optional<Sequence> sequence, OnBadRecord onBadRecord) {
        this(path, format, header, delimiter, label, task, features, categorical, classes, split, validationPath,
                testPath, normalize, image, sequence, onBadRecord, Optional.empty(), Missing.FAIL);
    }

    /** File encodings Spindle reads. */
    public enum Format { CSV, PARQUET, LIBSVM }

    /** Feature scaling, fitted on the train split only and stored with the model. */
    public enum Normalize { STANDARDIZE, MINMAX, NONE }

    /** Policy for unreadable rows. */
    public enum OnBadRecord { FAIL, SKIP }

    /**
     * Missing values of a windowed series: stop at the first, drop the windows that touch a gap,
     * carry the last value forward, or interpolate linearly in time between the neighbours.
     */
    public enum Missing { FAIL, DROP, FFILL, INTERPOLATE }

    /**
     * A window's level: none (values as they are), or its last observed value of each column,
     * subtracted from its inputs and targets and added back to its predictions (the network learns
     * changes, so it can follow a trend beyond the levels it trained on).
     */
    public enum Level { NONE, LAST }

    /** How rows go to the splits: by a seeded hash of each row, or in time order. */
    public enum SplitMethod { RANDOM, TIME }

    /**
     * Supervised windows from a table of observations: {@code size} past steps of the features
     * predict the next {@code horizon} values of each target.
     *
     * @param size past steps per window
     * @param horizon future steps predicted
     * @param stride steps between the starts of consecutive windows
     * @param time the column that orders the observations, or empty for file order
     * @param targets the columns predicted
     * @param seriesId the column naming the series (each windowed on its own), or empty for one series
     * @param seasonality the season length in steps, for the seasonal-naive forecast and MASE
     * @param level what each window is taken relative to: nothing, or its last observed values
     */
    public record Window(int size, int horizon, int stride, Optional<String> time, List<String> targets,
                         Optional<String> seriesId, int seasonality, Level level) {
        /** Copies the targets. */
        public Window {
            targets = List.copyOf(targets);
        }
    }

    /**
     * Random split fractions (summing to 1) and the seed that makes the split repeatable.
     *
     * @param train fraction of rows for training
     * @param validation fraction for validation (ignored when a validation path is given)
     * @param test fraction for the final test (ignored when a test path is given)
     * @param seed split seed
     * @param method random (a seeded hash of each row) or time (consecutive parts of each series, in time order)
     */
    public record Split(double train, double validation, double test, long seed, SplitMethod method) {
        public Split {
            for (double f : new double[] {train, validation, test}) {
                if (!(f >= 0 && f <= 1)) {
                    throw new SpecException("data.split fractions must be in [0, 1], got train " + train + ", validation "
                            + validation + ", test " + test);
                }
            }
        }

        /** A random split. */
        public Split(double train, double validation, double test, long seed) {
            this(train, validation, test, seed, SplitMethod.RANDOM);
        }
    }

    /**
     * Image geometry: each row holds {@code height * width * channels} pixel columns in
     * channels-last-per-pixel order as flattened by the usual CSV exports (row by row).
     */
    public record Image(int height, int width, int channels) { }

    /**
     * Sequence geometry: each row's features are {@code steps} consecutive time steps of
     * {@code featureWidth / steps} values each, step-major.
     */
    public record Sequence(int steps) { }
}
