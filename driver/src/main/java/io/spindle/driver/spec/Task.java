package io.spindle.driver.spec;

/** What the model predicts; decides the output layer, the loss and the metrics. */
public enum Task {
    REGRESSION, BINARY, MULTICLASS, MULTILABEL;

    /** @return true for the three classification tasks */
    public boolean isClassification() {
        return this != REGRESSION;
    }

    /** @return the spec spelling, e.g. {@code multiclass} */
    public String spelling() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
