package io.spindle.kernels.eval;

/**
 * The kind of supervised task a network solves; it decides how labels and predictions are read
 * and which metrics are reported.
 */
public enum TaskKind {
    /** Real-valued targets, one column per target. */
    REGRESSION,
    /** Two classes: one sigmoid column, or a two-column softmax whose column 1 is the positive class. */
    BINARY,
    /** One of {@code n >= 2} classes: one-hot labels, softmax predictions. */
    MULTICLASS,
    /** Any subset of {@code n >= 1} labels: 0/1 labels, one sigmoid per label. */
    MULTILABEL;

    /** @return true for every kind except {@link #REGRESSION} */
    public boolean isClassification() {
        return this != REGRESSION;
    }
}
