package io.spindle.driver.data;

import io.spindle.driver.spec.DataSpec;
import io.spindle.driver.spec.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Executor side of the loader: turns one text line or one Parquet row into a {@link Rec}, checking
 * every value, and assigns the row to its split. Holds only the (serializable) column plan.
 *
 * <p>Column positions ({@code *Src}) are field indexes of a CSV line, dense 0-based feature
 * indexes of a LibSVM line, or field indexes of the selected Parquet row; {@code *Display} are
 * the 1-based column numbers shown in messages.
 */
final class RowDecoder implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String SKIP_HINT = " or set data.on_bad_record: skip";
    /** Training's advice for a text value in a numeric column (a model's columns are fixed: not for predict). */
    static final String CATEGORY_HINT = ", or list the column in data.categorical if it is a category";

    /** Split roles of a source: random split, or all rows to one split. */
    static final int RANDOM = -1;

    final DataSpec.Format format;
    final char delimiter;
    /** CSV header names (every file's first line must repeat them), or null without header */
    final String[] header;
    /** columns per CSV line; LibSVM feature width */
    final int width;
    final String[] numNames;
    final int[] numSrc;
    final int[] numDisplay;
    final String[] catNames;
    final int[] catSrc;
    final int[] catDisplay;
    final String[] labNames;
    final int[] labSrc;
    final int[] labDisplay;
    final Task task;
    /** declared classes, canonical; empty: not declared */
    final String[] declared;
    private final Set<String> declaredSet;
    final long seed;
    /** random split thresholds: u < trainBelow: train; u < validationBelow: validation; else test */
    final double trainBelow;
    final double validationBelow;

    RowDecoder(DataSpec.Format format, char delimiter, String[] header, int width,
               String[] numNames, int[] numSrc, int[] numDisplay,
               String[] catNames, int[] catSrc, int[] catDisplay,
               String[] labNames, int[] labSrc, int[] labDisplay,
               Task task, String[] declared, long seed, double trainBelow, double validationBelow) {
        this.format = format;
        this.delimiter = delimiter;
        this.header = header;
        this.width = width;
        this.numNames = numNames;
        this.numSrc = numSrc;
        this.numDisplay = numDisplay;
        this.catNames = catNames;
        this.catSrc = catSrc;
        this.catDisplay = catDisplay;
        this.labNames = labNames;
        this.labSrc = labSrc;
        this.labDisplay = labDisplay;
        this.task = task;
        this.declared = declared;
        this.declaredSet = new HashSet<>(java.util.Arrays.asList(declared));
        this.seed = seed;
        this.trainBelow = trainBelow;
        this.validationBelow = validationBelow;
    }

    // ---------------------------------------------------------------- text formats

    /**
     * Decodes the lines of one input split (blank lines and header lines yield nothing).
     *
     * @param where the spec key and path the file belongs to, for messages
     * @throws DataException (when iterated) if the file is compressed and cannot be decompressed
     */
    Iterator<Rec> decodeText(String where, String file, Iterator<Tuple2<LongWritable, Text>> lines, int role) {
        final Iterator<Tuple2<LongWritable, Text>> in = readable(where, file, lines);
        final ArrayList<String> fields = new ArrayList<>();
        return new Iterator<>() {
            private Rec next;

            @Override
            public boolean hasNext() {
                while (next == null && in.hasNext()) {
                    Tuple2<LongWritable, Text> t = in.next();
                    long pos = t._1().get();
                    Text text = t._2();
                    // only a random split reads the hash; a fixed role skips the pass over the bytes
                    long content = role == RANDOM ? contentHash(text.getBytes(), text.getLength()) : 0;
                    String line = text.toString();
                    next = format == DataSpec.Format.LIBSVM
                            ? decodeLibsvm(file, content, pos, line, role)
                            : decodeCsv(file, content, pos, line, role, fields);
                }
                return next != null;
            }

            @Override
            public Rec next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Rec r = next;
                next = null;
                return r;
            }
        };
    }

    Rec decodeCsv(String file, long content, long pos, String line, int role, ArrayList<String> f) {
        if (line.isBlank()) {
            return null;
        }
        int unclosed = Csv.split(line, delimiter, f);
        if (header != null && pos == 0) {
            for (int i = 0; i < header.length; i++) {
                if (f.size() != header.length || !f.get(i).equals(header[i])) {
                    return new Rec(file, pos, false, new Rec.Bad("header_mismatch", null,
                            "the header differs from the first file's header (" + String.join(String.valueOf(delimiter), header) + ")",
                            "give every file the same header, or read them separately", true));
                }
            }
            return null;
        }
        if (unclosed > 0) {
            return bad(file, pos, "unclosed_quote", column(unclosed, null), "the quoted value is not closed",
                    "close the quote" + SKIP_HINT);
        }
        if (f.size() != width) {
            return bad(file, pos, "wrong_column_count", null,
                    "expected " + width + " columns, found " + f.size(),
                    "fix the row (check for a missing or extra '" + delimiter + "')" + SKIP_HINT);
        }
        double[] num = new double[numSrc.length];
        for (int j = 0; j < numSrc.length; j++) {
            String s = f.get(numSrc[j]);
            Rec.Bad b = number(s, numNames[j], numDisplay[j]);
            if (b != null) {
                return new Rec(file, pos, false, b);
            }
            num[j] = Double.parseDouble(s);
        }
        String[] cats = new String[catSrc.length];
        for (int j = 0; j < catSrc.length; j++) {
            String s = f.get(catSrc[j]);
            if (s.isEmpty()) {
                return bad(file, pos, "empty_value", column(catDisplay[j], catNames[j]), "the value is empty",
                        "fill in a category" + SKIP_HINT);
            }
            cats[j] = Values.canonical(s);
        }
        String[] raw = new String[labSrc.length];
        for (int j = 0; j < labSrc.length; j++) {
            raw[j] = f.get(labSrc[j]);
        }
        return withLabels(file, content, pos, false, num, cats, raw, role);
    }

    Rec decodeLibsvm(String file, long content, long pos, String line, int role) {
        int hash = line.indexOf('#');
        String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (body.isEmpty()) {
            return null;
        }
        String[] tok = body.split("\\s+");
        double[] dense = new double[width];
        for (int k = 1; k < tok.length; k++) {
            String t = tok[k];
            int colon = t.indexOf(':');
            int idx = -1;
            if (colon > 0) {
                try {
                    idx = Integer.parseInt(t.substring(0, colon));
                } catch (NumberFormatException e) {
                    idx = -1;
                }
            }
            if (idx < 1 || idx > width) {
                return bad(file, pos, "bad_token", "token " + (k + 1), Values.quote(t)
                        + " is not index:value with a 1-based integer index", "fix the token" + SKIP_HINT);
            }
            Rec.Bad b = number(t.substring(colon + 1), "f" + idx, idx);
            if (b != null) {
                return new Rec(file, pos, false, b);
            }
            dense[idx - 1] = Double.parseDouble(t.substring(colon + 1));
        }
        double[] num = new double[numSrc.length];
        for (int j = 0; j < numSrc.length; j++) {
            num[j] = dense[numSrc[j]];
        }
        return withLabels(file, content, pos, false, num, new String[0], new String[] {tok[0]}, role);
    }

    /** @return the largest feature index of a LibSVM line, 0 when none or unreadable */
    static int maxLibsvmIndex(String line) {
        int hash = line.indexOf('#');
        String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
        int max = 0;
        if (body.isEmpty()) {
            return 0;
        }
        String[] tok = body.split("\\s+");
        for (int k = 1; k < tok.length; k++) {
            int colon = tok[k].indexOf(':');
            if (colon > 0) {
                try {
                    max = Math.max(max, Integer.parseInt(tok[k].substring(0, colon)));
                } catch (NumberFormatException e) {
                    // reported with file and line by the decoding pass
                }
            }
        }
        return max;
    }

    // ---------------------------------------------------------------- parquet

    /**
     * Decodes one Parquet row selected as: numeric features (double), categoricals (string),
     * labels (string), file path, row index (or -1 when the reader does not provide one).
     */
    Rec decodeRow(Row r, int role) {
        int base = numSrc.length + catSrc.length + labSrc.length;
        String file = r.getString(base);
        long pos = r.isNullAt(base + 1) ? -1 : r.getLong(base + 1);
        double[] num = new double[numSrc.length];
        for (int j = 0; j < numSrc.length; j++) {
            int i = numSrc[j];
            if (r.isNullAt(i)) {
                return badRow(file, pos, "empty_value", column(numDisplay[j], numNames[j]), "the value is null",
                        "fill in the value" + SKIP_HINT);
            }
            double v = r.getDouble(i);
            if (!Double.isFinite(v)) {
                return badRow(file, pos, "non_finite_value", column(numDisplay[j], numNames[j]),
                        "the value is " + v, "replace it with a finite number" + SKIP_HINT);
            }
            num[j] = v;
        }
        String[] cats = new String[catSrc.length];
        for (int j = 0; j < catSrc.length; j++) {
            int i = catSrc[j];
            if (r.isNullAt(i) || r.getString(i).isBlank()) {
                return badRow(file, pos, "empty_value", column(catDisplay[j], catNames[j]), "the value is empty",
                        "fill in a category" + SKIP_HINT);
            }
            cats[j] = Values.canonical(r.getString(i));
        }
        String[] raw = new String[labSrc.length];
        for (int j = 0; j < labSrc.length; j++) {
            int i = labSrc[j];
            raw[j] = r.isNullAt(i) ? "" : r.getString(i);
        }
        return withLabels(file, role == RANDOM ? rowHash(num, r, base) : 0, pos, true, num, cats, raw, role);
    }

    private static Rec badRow(String file, long pos, String reason, String column, String problem, String fix) {
        return new Rec(file, pos, true, new Rec.Bad(reason, column, problem, fix, false));
    }

    // ---------------------------------------------------------------- shared

    private Rec withLabels(String file, long content, long pos, boolean rowIndexed, double[] num, String[] cats,
                           String[] raw, int role) {
        String label = null;
        double[] labels = null;
        for (int j = 0; j < raw.length; j++) {
            if (raw[j].isBlank()) {
                return new Rec(file, pos, rowIndexed, new Rec.Bad("missing_label", column(labDisplay[j], labNames[j]),
                        "the label is empty", "fill in the label" + SKIP_HINT, false));
            }
        }
        switch (task) {
            case MULTICLASS -> {
                label = Values.canonical(raw[0]);
                if (declared.length > 0 && !declaredSet.contains(label)) {
                    return new Rec(file, pos, rowIndexed, new Rec.Bad("unknown_label", column(labDisplay[0], labNames[0]),
                            "label " + Values.quote(raw[0].trim()) + " is not one of data.classes "
                                    + java.util.Arrays.toString(declared),
                            "add it to data.classes or fix the row" + SKIP_HINT, false));
                }
            }
            case BINARY -> {
                String c = Values.canonical(raw[0]);
                int bit;
                if (declared.length > 0) {
                    bit = c.equals(declared[1]) ? 1 : c.equals(declared[0]) ? 0 : -1;
                    if (bit < 0) {
                        return new Rec(file, pos, rowIndexed, new Rec.Bad("unknown_label", column(labDisplay[0], labNames[0]),
                                "label " + Values.quote(raw[0].trim()) + " is not one of data.classes "
                                        + java.util.Arrays.toString(declared),
                                "fix the row or data.classes" + SKIP_HINT, false));
                    }
                } else {
                    bit = Values.bit(c);
                    if (bit < 0) {
                        return new Rec(file, pos, rowIndexed, new Rec.Bad("unknown_label", column(labDisplay[0], labNames[0]),
                                "label " + Values.quote(raw[0].trim()) + " is not 0/1 or true/false, as a binary task needs",
                                "declare the two classes as data.classes: [negative, positive], or fix the row"
                                        + SKIP_HINT, false));
                    }
                }
                labels = new double[] {bit};
            }
            case MULTILABEL -> {
                labels = new double[raw.length];
                for (int j = 0; j < raw.length; j++) {
                    int bit = Values.bit(Values.canonical(raw[j]));
                    if (bit < 0) {
                        return new Rec(file, pos, rowIndexed, new Rec.Bad("unknown_label", column(labDisplay[j], labNames[j]),
                                "label " + Values.quote(raw[j].trim()) + " is not 0/1 or true/false, as a multilabel task needs",
                                "fix the row" + SKIP_HINT, false));
                    }
                    labels[j] = bit;
                }
            }
            case REGRESSION -> {
                labels = new double[raw.length];
                for (int j = 0; j < raw.length; j++) {
                    String s = raw[j].trim();
                    Rec.Bad b = number(s, labNames[j], labDisplay[j]);
                    if (b != null) {
                        return new Rec(file, pos, rowIndexed, b);
                    }
                    labels[j] = Double.parseDouble(s);
                }
            }
            default -> throw new IllegalStateException("unknown task " + task);
        }
        return new Rec(file, pos, rowIndexed, split(content, pos, role), num, cats, label, labels);
    }

    /** Checks a numeric text value; null when it is a finite number. */
    private static Rec.Bad number(String s, String name, int display) {
        if (s.isEmpty()) {
            return new Rec.Bad("empty_value", column(display, name), "the value is empty",
                    "fill in a number" + SKIP_HINT, false);
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return new Rec.Bad("not_a_number", column(display, name), Values.quote(s) + " is not a number",
                    "fix the value" + CATEGORY_HINT + SKIP_HINT, false);
        }
        if (!Double.isFinite(v)) {
            return new Rec.Bad("non_finite_value", column(display, name), "the value is " + Values.quote(s),
                    "replace it with a finite number" + SKIP_HINT, false);
        }
        return null;
    }

    private static Rec bad(String file, long pos, String reason, String column, String problem, String fix) {
        return new Rec(file, pos, false, new Rec.Bad(reason, column, problem, fix, false));
    }

    static String column(int display, String name) {
        return name == null ? "column " + display : "column '" + name + "' (" + display + ")";
    }

    // ---------------------------------------------------------------- split

    private byte split(long content, long pos, int role) {
        if (role != RANDOM) {
            return (byte) role;
        }
        double u = unit(seed, content, pos);
        return u < trainBelow ? Rec.TRAIN : u < validationBelow ? Rec.VALIDATION : Rec.TEST;
    }

    /**
     * A uniform number in [0, 1) that depends only on the seed, the row's content hash and its
     * position in its file (byte offset of a text line, row index of a Parquet row), never on the
     * file's path or name or on how the file is partitioned.
     */
    static double unit(long seed, long content, long pos) {
        long h = mix(seed ^ mix(content + 0x9E3779B97F4A7C15L * (pos + 1)));
        return (h >>> 11) * 0x1.0p-53;
    }

    /**
     * A 64-bit hash of a text line's raw bytes (UTF-8, without its line end), the same in every
     * JVM: the bytes are read as little-endian 8-byte words, each folded in with SplitMix64's
     * finalizer.
     *
     * @param b the bytes; only the first {@code len} count
     * @param len the line's length in bytes
     */
    static long contentHash(byte[] b, int len) {
        long h = 0x632BE59BD9B4E019L ^ len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long w = (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                    | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48
                    | (b[i + 7] & 0xFFL) << 56;
            h = mix(h ^ w) + 0x9E3779B97F4A7C15L;
        }
        long w = 0;
        for (int s = 0; i < len; i++, s += 8) {
            w |= (b[i] & 0xFFL) << s;
        }
        return mix(h ^ w);
    }

    /**
     * A 64-bit hash of a Parquet row's decoded values (numeric features as doubles, then the
     * categorical and label columns as strings, as read), the same in every JVM.
     */
    private long rowHash(double[] num, Row r, int strings) {
        long h = 0x632BE59BD9B4E019L ^ num.length;
        for (double v : num) {
            h = mix(h ^ Double.doubleToLongBits(v)) + 0x9E3779B97F4A7C15L;
        }
        for (int i = numSrc.length; i < strings; i++) {
            h = mix(h ^ (r.isNullAt(i) ? 0x5DEECE66DL : stringHash(r.getString(i)))) + 0x9E3779B97F4A7C15L;
        }
        return mix(h);
    }

    /** A 64-bit hash of a string's UTF-16 chars, four to a word, folded with SplitMix64's finalizer. */
    static long stringHash(String s) {
        long h = 0x632BE59BD9B4E019L ^ s.length();
        long w = 0;
        for (int i = 0; i < s.length(); i++) {
            w = w << 16 | s.charAt(i);
            if ((i & 3) == 3) {
                h = mix(h ^ w) + 0x9E3779B97F4A7C15L;
                w = 0;
            }
        }
        return mix(h ^ w);
    }

    // ---------------------------------------------------------------- unreadable files

    /**
     * Wraps the lines of one file so that a decompression failure (a truncated, corrupt or
     * not-compressed file with a codec's extension) ends the task with a {@link DataException}
     * naming the file, instead of a bare I/O error.
     */
    static <T> Iterator<T> readable(String where, String file, Iterator<T> lines) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return lines.hasNext();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) { // IOException, which Scala's iterator throws undeclared
                    DataException d = Unreadable.compressed(where, file, e);
                    if (d != null) {
                        throw d;
                    }
                    throw sneaky(e);
                }
            }

            @Override
            public T next() {
                return lines.next();
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> RuntimeException sneaky(Exception e) throws E {
        throw (E) e;
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood: "Fast splittable pseudorandom number generators", 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
