package io.spindle.driver.data;

import java.io.Serializable;

/**
 * One decoded input row on its way from the files to the blocks: either its values or, for a bad
 * row, what is wrong with it. Lives only inside the loader's jobs (never cached, never collected
 * except as the first bad row).
 */
final class Rec implements Serializable {
    private static final long serialVersionUID = 1L;

    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;
    static final byte TEST = 2;

    /** Where the row is: a file, and a byte offset (text) or a 0-based row number (parquet). */
    final String file;
    final long pos;
    final boolean rowIndexed;
    final byte split;
    /** numeric feature values, in the order of the plan's numeric columns */
    final double[] numeric;
    /** categorical values (canonical), in the order of the plan's categorical columns */
    final String[] categories;
    /** multiclass: the canonical class; null for other tasks */
    final String label;
    /** regression targets, multilabel / binary 0-1 values; null for multiclass */
    final double[] labels;
    /** non-null for a bad row */
    final Bad bad;

    Rec(String file, long pos, boolean rowIndexed, byte split, double[] numeric, String[] categories,
        String label, double[] labels) {
        this.file = file;
        this.pos = pos;
        this.rowIndexed = rowIndexed;
        this.split = split;
        this.numeric = numeric;
        this.categories = categories;
        this.label = label;
        this.labels = labels;
        this.bad = null;
    }

    Rec(String file, long pos, boolean rowIndexed, Bad bad) {
        this.file = file;
        this.pos = pos;
        this.rowIndexed = rowIndexed;
        this.split = -1;
        this.numeric = null;
        this.categories = null;
        this.label = null;
        this.labels = null;
        this.bad = bad;
    }

    boolean ok() {
        return bad == null;
    }

    /** Orders bad rows by file, then position, so that the reported one is the first. */
    boolean before(Rec o) {
        int c = file.compareTo(o.file);
        return c < 0 || (c == 0 && pos < o.pos);
    }

    /**
     * What is wrong with a row.
     *
     * @param reason stable key for the skip report, e.g. {@code not_a_number}
     * @param column {@code column 'age' (3)} or null when the whole row is wrong
     * @param problem what is wrong, naming the value
     * @param fix how to fix it
     * @param fatal true when skipping the row cannot help (e.g. a file with another header)
     */
    record Bad(String reason, String column, String problem, String fix, boolean fatal) implements Serializable { }
}
