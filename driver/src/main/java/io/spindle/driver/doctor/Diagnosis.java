package io.spindle.driver.doctor;

import java.util.List;
import java.util.Objects;

/**
 * One finding about a trial.
 *
 * @param code stable name ({@code overfitting}, {@code lr_too_low}, ...)
 * @param evidence the numbers it rests on and the epochs they come from
 * @param explanation one sentence: what it means
 * @param fix spec changes that address it, as {@code --set} values ({@code training.lr=0.0003})
 */
public record Diagnosis(String code, String evidence, String explanation, List<String> fix) {
    /** Checks the fields. */
    public Diagnosis {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(explanation, "explanation");
        fix = List.copyOf(fix);
    }

    /** @return the diagnosis in one line: code, evidence, explanation and the {@code --set} lines */
    public String line() {
        StringBuilder sb = new StringBuilder(code).append(": ").append(evidence).append("; ").append(explanation);
        if (!fix.isEmpty()) {
            sb.append(" Try:");
            fix.forEach(f -> sb.append(" --set ").append(f));
        }
        return sb.toString();
    }
}
