package io.spindle.driver.results;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spindle.driver.spec.SpecTrees;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints query results as an aligned table, CSV with a header row, or JSON lines. */
public final class ResultFormat {

    /** Longest cell of the aligned table before it is cut. */
    static final int MAX_CELL = 40;

    private ResultFormat() {
    }

    /**
     * @param df the rows to print (collected: keep them few)
     * @param format table, csv or json
     * @param out where to print
     */
    public static void print(Dataset<Row> df, String format, PrintWriter out) {
        String[] cols = df.columns();
        List<Row> rows = df.collectAsList();
        switch (format) {
            case "csv" -> {
                out.println(String.join(",", List.of(cols).stream().map(ResultFormat::csv).toList()));
                for (Row r : rows) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < cols.length; i++) {
                        cells.add(csv(r.get(i) == null ? "" : String.valueOf(r.get(i))));
                    }
                    out.println(String.join(",", cells));
                }
            }
            case "json" -> {
                for (Row r : rows) {
                    ObjectNode o = SpecTrees.MAPPER.createObjectNode();
                    for (int i = 0; i < cols.length; i++) {
                        o.set(cols[i], SpecTrees.MAPPER.valueToTree(r.get(i)));
                    }
                    out.println(o.toString());
                }
            }
            default -> table(cols, rows, out);
        }
        out.flush();
    }

    private static void table(String[] cols, List<Row> rows, PrintWriter out) {
        int[] w = new int[cols.length];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < cols.length; i++) {
            w[i] = cols[i].length();
        }
        for (Row r : rows) {
            String[] c = new String[cols.length];
            for (int i = 0; i < cols.length; i++) {
                String v = cell(r.get(i));
                c[i] = v.length() > MAX_CELL ? v.substring(0, MAX_CELL - 3) + "..." : v;
                w[i] = Math.max(w[i], c[i].length());
            }
            cells.add(c);
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < cols.length; i++) {
            head.append(i == 0 ? "" : "  ").append(pad(cols[i], w[i], false));
        }
        out.println(head.toString().stripTrailing());
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols.length; i++) {
                line.append(i == 0 ? "" : "  ").append(pad(c[i], w[i], numeric(c[i])));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
    }

    private static boolean numeric(String s) {
        return s.matches("-?[0-9.,]+(E-?[0-9]+)?");
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - s.length()));
        return right ? fill + s : s + fill;
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "NaN" : String.format(Locale.ROOT, "%.6g", d).replaceFirst("\\.?0+(?=$|E)", "");
        }
        return v.toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
