package io.spindle.driver.sweep;

import io.spindle.driver.spec.SpecException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The prior of one search-space parameter. Numeric distributions also expose an
 * <em>internal</em> real line (log scale for {@link LogUniform}) on which TPE builds its Parzen
 * estimators; {@link Choice} is categorical. Compact constructors reject bad bounds with a
 * {@link SpecException} whose message says how to fix them; {@link Space} prefixes the path.
 */
public sealed interface Distribution {

    /** The names accepted in a space definition. */
    List<String> NAMES = List.of("uniform", "loguniform", "int", "quniform", "choice");

    /**
     * @param rng the randomness to draw from
     * @return a value from the prior
     */
    Object sample(SplittableRandom rng);

    /**
     * @param gridCount points per continuous parameter, or 0 when none was given
     * @return the grid values in order
     * @throws SpecException when the distribution is continuous and {@code gridCount} is 0
     */
    List<Object> grid(int gridCount);

    /** @return the JSON form, e.g. {@code {"uniform": [0.0, 0.5]}} (without "when"/"grid") */
    com.fasterxml.jackson.databind.node.ObjectNode toJson();

    /** A distribution over a real interval, possibly rounded; TPE works on its internal line. */
    sealed interface Numeric extends Distribution {
        /** @return the low end of the internal line */
        double internalLo();

        /** @return the high end of the internal line */
        double internalHi();

        /**
         * @param value a value of this distribution
         * @return its position on the internal line
         */
        double toInternal(Object value);

        /**
         * @param x a point of the internal line, inside its bounds
         * @return the value (rounded for discrete distributions)
         */
        Object fromInternal(double x);

        @Override
        default Object sample(SplittableRandom rng) {
            return fromInternal(internalLo() + rng.nextDouble() * (internalHi() - internalLo()));
        }
    }

    /**
     * Uniform over {@code [lo, hi]}.
     *
     * @param lo low end
     * @param hi high end, {@code >= lo}
     */
    record Uniform(double lo, double hi) implements Numeric {
        public Uniform {
            checkBounds(lo, hi, "uniform");
        }

        @Override
        public double internalLo() {
            return lo;
        }

        @Override
        public double internalHi() {
            return hi;
        }

        @Override
        public double toInternal(Object value) {
            return ((Number) value).doubleValue();
        }

        @Override
        public Object fromInternal(double x) {
            return Math.min(hi, Math.max(lo, x));
        }

        @Override
        public List<Object> grid(int n) {
            return linear(lo, hi, n, "uniform", this::fromInternal);
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
            return pair("uniform", lo, hi);
        }
    }

    /**
     * Log-uniform over {@code [lo, hi]}: uniform in {@code log(x)}.
     *
     * @param lo low end, {@code > 0}
     * @param hi high end, {@code >= lo}
     */
    record LogUniform(double lo, double hi) implements Numeric {
        public LogUniform {
            checkBounds(lo, hi, "loguniform");
            if (lo <= 0) {
                throw new SpecException("loguniform needs 0 < low, got low " + lo
                        + "; use a small positive low such as 1e-6, or 'uniform' to include 0");
            }
        }

        @Override
        public double internalLo() {
            return Math.log(lo);
        }

        @Override
        public double internalHi() {
            return Math.log(hi);
        }

        @Override
        public double toInternal(Object value) {
            return Math.log(((Number) value).doubleValue());
        }

        @Override
        public Object fromInternal(double x) {
            return Math.min(hi, Math.max(lo, Math.exp(x)));
        }

        @Override
        public List<Object> grid(int n) {
            return linear(internalLo(), internalHi(), n, "loguniform", this::fromInternal);
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
            return pair("loguniform", lo, hi);
        }
    }

    /**
     * Integers {@code lo..hi}, both inclusive, equally likely.
     *
     * @param lo low end
     * @param hi high end, {@code >= lo}
     */
    record IntUniform(int lo, int hi) implements Numeric {
        public IntUniform {
            checkBounds(lo, hi, "int");
        }

        @Override
        public double internalLo() {
            return lo - 0.5;
        }

        @Override
        public double internalHi() {
            return hi + 0.5;
        }

        @Override
        public double toInternal(Object value) {
            return ((Number) value).doubleValue();
        }

        @Override
        public Object fromInternal(double x) {
            return (int) Math.min(hi, Math.max(lo, Math.round(x)));
        }

        @Override
        public List<Object> grid(int n) {
            if (n > 0) {
                List<Object> out = new ArrayList<>();
                for (Object o : linear(lo, hi, n, "int", x -> (int) Math.round(x))) {
                    if (!out.contains(o)) {
                        out.add(o);
                    }
                }
                return out;
            }
            List<Object> out = new ArrayList<>();
            for (long i = lo; i <= hi; i++) {
                out.add((int) i);
            }
            return out;
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.F.objectNode();
            o.putArray("int").add(lo).add(hi);
            return o;
        }
    }

    /**
     * Uniform over {@code [lo, hi]} rounded to {@code lo + k*q}.
     *
     * @param lo low end
     * @param hi high end, {@code >= lo}
     * @param q the step, {@code > 0}
     */
    record QUniform(double lo, double hi, double q) implements Numeric {
        public QUniform {
            checkBounds(lo, hi, "quniform");
            if (!(q > 0) || !Double.isFinite(q)) {
                throw new SpecException("quniform needs a step q > 0, got q " + q
                        + "; write [low, high, q] with a positive q such as 0.1");
            }
        }

        private long steps() {
            return (long) Math.floor((hi - lo) / q + 1e-9);
        }

        @Override
        public double internalLo() {
            return lo - q / 2;
        }

        @Override
        public double internalHi() {
            return lo + steps() * q + q / 2;
        }

        @Override
        public double toInternal(Object value) {
            return ((Number) value).doubleValue();
        }

        @Override
        public Object fromInternal(double x) {
            return at(Math.min(steps(), Math.max(0, Math.round((x - lo) / q))));
        }

        @Override
        public List<Object> grid(int n) {
            if (n > 0) {
                List<Object> out = new ArrayList<>();
                for (Object o : linear(lo, hi, n, "quniform", this::fromInternal)) {
                    if (!out.contains(o)) {
                        out.add(o);
                    }
                }
                return out;
            }
            List<Object> out = new ArrayList<>();
            for (long k = 0; k <= steps(); k++) {
                out.add(at(k));
            }
            return out;
        }

        /** {@code lo + k*q} in decimal arithmetic, so that 0.5 + 2 * 0.1 is 0.7, not 0.7000000000000001. */
        private double at(long k) {
            return java.math.BigDecimal.valueOf(lo)
                    .add(java.math.BigDecimal.valueOf(q).multiply(java.math.BigDecimal.valueOf(k))).doubleValue();
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.F.objectNode();
            o.putArray("quniform").add(lo).add(hi).add(q);
            return o;
        }
    }

    /**
     * One of a list of JSON scalars, equally likely.
     *
     * @param values the choices: non-empty, distinct; {@link Double}, {@link Integer},
     *        {@link Long}, {@link String}, {@link Boolean} or {@code null}
     */
    record Choice(List<Object> values) implements Distribution {
        public Choice {
            Objects.requireNonNull(values, "values");
            if (values.isEmpty()) {
                throw new SpecException("choice needs at least one value, got []; list the values, e.g. [64, 128]");
            }
            values = Collections.unmodifiableList(new ArrayList<>(values));
            for (int i = 0; i < values.size(); i++) {
                if (values.subList(0, i).contains(values.get(i))) {
                    throw new SpecException("choice lists " + values.get(i) + " twice in " + values
                            + "; remove the duplicate");
                }
            }
        }

        @Override
        public Object sample(SplittableRandom rng) {
            return values.get(rng.nextInt(values.size()));
        }

        /**
         * @param value a value
         * @return its index, or -1 when it is not a choice
         */
        public int indexOf(Object value) {
            return values.indexOf(value);
        }

        @Override
        public List<Object> grid(int n) {
            return values;
        }

        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.F.objectNode();
            com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray("choice");
            values.forEach(v -> a.add(Json.node(v)));
            return o;
        }
    }

    private static void checkBounds(double lo, double hi, String kind) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new SpecException(kind + " needs finite bounds, got [" + lo + ", " + hi + "]");
        }
        if (lo > hi) {
            throw new SpecException(kind + " needs low <= high, got [" + lo + ", " + hi + "]; swap them to ["
                    + hi + ", " + lo + "]");
        }
    }

    private static List<Object> linear(double lo, double hi, int n, String kind,
            java.util.function.DoubleFunction<Object> map) {
        if (n <= 0) {
            throw new SpecException(kind + " is continuous: grid search needs \"grid\": N (points per axis)"
                    + " next to it, e.g. {\"" + kind + "\": [" + lo + ", " + hi + "], \"grid\": 5}");
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(map.apply(n == 1 ? (lo + hi) / 2 : lo + (hi - lo) * i / (n - 1)));
        }
        return out;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode pair(String kind, double lo, double hi) {
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.F.objectNode();
        o.putArray(kind).add(lo).add(hi);
        return o;
    }
}
