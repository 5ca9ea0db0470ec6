package io.spindle.driver.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/** Canonical spelling and ordering of label and category values (shared by driver and executors). */
final class Values {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private Values() { }

    /** @return true when {@code s} is a plain decimal number (no NaN, Infinity or hex) */
    static boolean isNumber(String s) {
        return NUMBER.matcher(s).matches();
    }

    /**
     * The canonical spelling of a label or category: trimmed, and numbers written so that
     * {@code 1}, {@code 1.0} and {@code 1e0} are the same value ({@code 1}).
     */
    static String canonical(String raw) {
        String t = raw.trim();
        if (!isNumber(t)) {
            return t;
        }
        double d = Double.parseDouble(t);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** 0/1 spelled as a number or as true/false; -1 when it is neither. */
    static int bit(String canonical) {
        switch (canonical.toLowerCase(java.util.Locale.ROOT)) {
            case "0", "false": return 0;
            case "1", "true": return 1;
            default: return -1;
        }
    }

    /** Sorted numerically when every value is a number, else lexicographically. */
    static List<String> sorted(Collection<String> values) {
        List<String> out = new ArrayList<>(values);
        boolean numeric = out.stream().allMatch(Values::isNumber);
        out.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
        return out;
    }

    /** Quotes a value for a message, shortening very long ones. */
    static String quote(String value) {
        String v = value.length() > 60 ? value.substring(0, 57) + "..." : value;
        return '"' + v + '"';
    }
}
