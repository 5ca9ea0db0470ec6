package io.spindle.driver.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The metrics a run computes and selects on, with the one spelling each has and whether larger
 * values are better. Wherever a spec names a validation metric ({@code metrics.select},
 * {@code training.early_stopping.monitor}, {@code training.schedule.monitor}, {@code sweep.metric})
 * both spellings are accepted, the metric ({@code accuracy}) and its validation column
 * ({@code val_accuracy}), since the split is implied; the resolved spec keeps the field's canonical
 * spelling.
 */
public enum Metric {
    /** The mean loss of the output layer. */
    LOSS("loss", false),
    /** Fraction of rows whose predicted class is right. */
    ACCURACY("accuracy", true),
    /** Precision (binary: of the positive class; multi-class: weighted by support). */
    PRECISION("precision", true),
    /** Recall (binary: of the positive class; multi-class: weighted by support). */
    RECALL("recall", true),
    /** F1 (binary: of the positive class; multi-class: weighted by support). */
    F1("f1", true),
    /** Unweighted mean F1 over the classes. */
    F1_MACRO("f1_macro", true),
    /** Unweighted mean precision over the classes. */
    PRECISION_MACRO("precision_macro", true),
    /** Unweighted mean recall over the classes. */
    RECALL_MACRO("recall_macro", true),
    /** Area under the ROC curve (binary; one-vs-rest mean for several classes). */
    AUC("auc", true),
    /** Mean absolute error. */
    MAE("mae", false),
    /** Mean squared error. */
    MSE("mse", false),
    /** Root mean squared error. */
    RMSE("rmse", false),
    /** Coefficient of determination. */
    R2("r2", true),
    /** mean absolute percentage error, in percent (rows whose actual value is 0 are left out) */
    MAPE("mape", false),
    /** symmetric mean absolute percentage error, in percent (0-200) */
    SMAPE("smape", false),
    /** mean absolute scaled error: MAE over the train part's mean absolute seasonal-naive error (Hyndman and Koehler 2006) */
    MASE("mase", false);

    /** Prefix of a metric's validation column. */
    public static final String VALIDATION = "val_";

    private final String spelling;
    private final boolean higherIsBetter;

    Metric(String spelling, boolean higherIsBetter) {
        this.spelling = spelling;
        this.higherIsBetter = higherIsBetter;
    }

    /** @return the metric's name, as metric maps and {@code metrics.select} spell it ({@code accuracy}) */
    public String spelling() {
        return spelling;
    }

    /** @return its validation column's name ({@code val_accuracy}) */
    public String validationName() {
        return VALIDATION + spelling;
    }

    /** @return whether larger values are better (accuracy) rather than smaller (loss, errors) */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** @return the metrics a classification task computes */
    public static List<Metric> classification() {
        return List.of(ACCURACY, PRECISION, RECALL, F1, F1_MACRO, PRECISION_MACRO, RECALL_MACRO, AUC);
    }

    /** @return the metrics a regression task computes */
    public static List<Metric> regression() {
        return List.of(MAE, MSE, RMSE, R2, MAPE, SMAPE, MASE);
    }

    /**
     * @param name a metric's name, with or without {@code val_}
     * @return whether smaller values of it are better; false for names that are no metric
     */
    public static boolean lowerIsBetter(String name) {
        return find(name).map(m -> !m.higherIsBetter).orElse(false);
    }

    /**
     * @param name a metric's name, with or without {@code val_}, any case
     * @return the metric
     */
    public static java.util.Optional<Metric> find(String name) {
        if (name == null) {
            return java.util.Optional.empty();
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        String bare = n.startsWith(VALIDATION) ? n.substring(VALIDATION.length()) : n;
        for (Metric m : values()) {
            if (m.spelling.equals(bare)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Reads a metric a spec names where the validation split is implied.
     *
     * @param given the spec's value ({@code accuracy} or {@code val_accuracy})
     * @param where the spec path, for the message
     * @param allowed the metrics allowed there
     * @param why what makes them the allowed ones, for the message (e.g. "computed for a binary task")
     * @return the metric
     * @throws SpecException naming the path and value, the allowed names and the closest one
     */
    public static Metric parse(String given, String where, Collection<Metric> allowed, String why) {
        java.util.Optional<Metric> m = find(given);
        if (m.isPresent() && allowed.contains(m.get())) {
            return m.get();
        }
        List<String> names = new ArrayList<>();
        allowed.forEach(a -> names.add(a.spelling));
        List<String> both = new ArrayList<>(names);
        allowed.forEach(a -> both.add(a.validationName()));
        // a prefix (val_acc, f1_mac) names what it abbreviates before what is merely close in spelling
        String lower = String.valueOf(given).strip().toLowerCase(Locale.ROOT);
        String suggestion = both.stream().filter(x -> !lower.isEmpty() && x.startsWith(lower))
                .min(java.util.Comparator.comparingInt(String::length)).map(x -> " (did you mean '" + x + "'?)")
                .orElseGet(() -> Schema.didYouMean(String.valueOf(given), both));
        throw new SpecException(where + " '" + given + "' is " + (m.isPresent() ? "not " + why : "no metric") + "; use one of "
                + String.join(", ", names) + " (or the same with val_)" + suggestion);
    }

    /** @return an SQL list of the metrics where smaller is better, e.g. {@code ('loss', 'mae')} */
    public static String sqlLowerIsBetter() {
        StringBuilder sb = new StringBuilder("(");
        for (Metric m : values()) {
            if (!m.higherIsBetter) {
                sb.append(sb.length() > 1 ? ", " : "").append('\'').append(m.spelling).append('\'');
            }
        }
        return sb.append(')').toString();
    }
}
