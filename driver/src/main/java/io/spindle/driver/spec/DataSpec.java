package io.spindle.driver.spec;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code data} section of a job spec: where the rows are, how to read them, what to predict
 * and how to split and normalize them. Immutable; built by {@link SpecParser} after validation.
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
        OnBadRecord onBadRecord) {

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
    }

    /** File encodings Spindle reads. */
    public enum Format { CSV, PARQUET, LIBSVM }

    /** Feature scaling, fitted on the train split only and stored with the model. */
    public enum Normalize { STANDARDIZE, MINMAX, NONE }

    /** Policy for unreadable rows. */
    public enum OnBadRecord { FAIL, SKIP }

    /**
     * Random split fractions (summing to 1) and the seed that makes the split repeatable.
     *
     * @param train fraction of rows for training
     * @param validation fraction for validation (ignored when a validation path is given)
     * @param test fraction for the final test (ignored when a test path is given)
     * @param seed split seed
     */
    public record Split(double train, double validation, double test, long seed) { }

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
