package io.spindle.bench;

import java.util.OptionalDouble;

/**
 * One of the ratios the project targets, as reported in {@code bench-training.md}.
 *
 * @param name what is compared, e.g. {@code mnist-mlp: Spindle 2 workers / single JVM, samples/s}
 * @param value the ratio, or empty when an input is missing (then {@code detail} says which)
 * @param detail the two measured values the ratio comes from, or why it is missing
 */
public record Ratio(String name, OptionalDouble value, String detail) {

    /**
     * @param name what is compared
     * @param numerator the numerator, or empty
     * @param denominator the denominator, or empty
     * @param detail the inputs in words
     * @return the ratio, empty when an input is missing, not finite or the denominator is not positive
     */
    public static Ratio of(String name, OptionalDouble numerator, OptionalDouble denominator, String detail) {
        if (numerator.isEmpty() || denominator.isEmpty() || !(denominator.getAsDouble() > 0)
                || !Double.isFinite(numerator.getAsDouble()) || !Double.isFinite(denominator.getAsDouble())) {
            return new Ratio(name, OptionalDouble.empty(), detail);
        }
        return new Ratio(name, OptionalDouble.of(numerator.getAsDouble() / denominator.getAsDouble()), detail);
    }
}
