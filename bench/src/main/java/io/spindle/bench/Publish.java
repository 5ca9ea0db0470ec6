package io.spindle.bench;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code spindle bench publish}: the tables of several benchmark runs' reports, merged into a
 * documentation file in place of what a person would otherwise paste.
 *
 * <p>The documentation marks each table it shows with the report file, the heading the table
 * sits under and its position there:
 *
 * <pre>
 * &lt;!-- bench-table bench-training.md "Target ratios" 1 --&gt;
 * (replaced)
 * &lt;!-- /bench-table --&gt;
 * </pre>
 *
 * and, once, where the runs are listed: {@code <!-- bench-runs bench-training.md -->} ...
 * {@code <!-- /bench-runs -->}. Publishing replaces the inside of every marked block whose report
 * file one of the runs has; blocks of other reports are left as they are. Tables measured by
 * other runs of the same benchmark (say, its CNN case run on its own) carry a group before the
 * file ({@code <!-- bench-table cnn:bench-training.md "CNN case" 1 -->}) and are replaced only by
 * {@code --group cnn}, the others only without a group.
 *
 * <p>Merging: the runs' tables must have the same columns. Rows are matched by their leading
 * left-aligned columns (the row's name: case, system, ratio). A right-aligned column (a figure)
 * shows the median of the runs, formatted like the runs' own cells, with every run's cell in
 * brackets in run order ({@code -} for a run without that row); when every run has the same cell,
 * it is shown once. A left-aligned column after the figures (a remark) is kept when every run
 * agrees and is dropped with a note otherwise.
 */
final class Publish {

    private static final Pattern TABLE_MARK = Pattern.compile("<!-- bench-table (?:([\\w-]+):)?(\\S+) \"([^\"]+)\" (\\d+) -->");
    private static final String TABLE_END = "<!-- /bench-table -->";
    private static final Pattern RUNS_MARK = Pattern.compile("<!-- bench-runs (?:([\\w-]+):)?(\\S+) -->");
    private static final String RUNS_END = "<!-- /bench-runs -->";
    /** A figure: an optional sign, digits with thousands commas, decimals, then a short unit ("x", "%", " iterations"). */
    private static final Pattern NUMBER = Pattern.compile("([-+]?\\d[\\d,]*(?:\\.\\d+)?)(x|%| ?[a-z/]+)?");

    private Publish() {
    }

    /**
     * @param line a line of the documentation
     * @return the matched table or runs marker (group 1 its group, 2 its report file), or null for any other line
     */
    private static Matcher marker(String line) {
        for (Pattern p : List.of(TABLE_MARK, RUNS_MARK)) {
            Matcher m = p.matcher(line.strip());
            if (m.matches()) {
                return m;
            }
        }
        return null;
    }

    /**
     * A markdown table of a report.
     *
     * @param header the column names
     * @param right for each column, whether it is right-aligned (a figure)
     * @param rows the cells, row by row
     */
    record Table(List<String> header, List<Boolean> right, List<List<String>> rows) {

        /** @return how many leading columns name a row */
        int keyColumns() {
            int k = 0;
            while (k < right.size() && !right.get(k)) {
                k++;
            }
            return Math.max(1, k);
        }

        /**
         * @param row a row
         * @return its name: the cells of the key columns
         */
        List<String> key(List<String> row) {
            return row.subList(0, keyColumns());
        }
    }

    /**
     * One benchmark run, as the documentation names it.
     *
     * @param label its report's time, UTC
     */
    record Run(String label) { }

    /**
     * @param markdown a report
     * @return its tables under each {@code ##} heading (the heading's text without the hashes), in order
     */
    static Map<String, List<Table>> tables(String markdown) {
        Map<String, List<Table>> out = new LinkedHashMap<>();
        String heading = "";
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "").strip();
                continue;
            }
            if (line.startsWith("|") && i + 1 < lines.size() && lines.get(i + 1).matches("\\|(\\s*:?-+:?\\s*\\|)+\\s*")) {
                List<String> header = cells(line);
                List<Boolean> right = cells(lines.get(i + 1)).stream().map(c -> c.endsWith(":")).toList();
                List<List<String>> rows = new ArrayList<>();
                int j = i + 2;
                for (; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                    rows.add(cells(lines.get(j)));
                }
                out.computeIfAbsent(heading, h -> new ArrayList<>()).add(new Table(header, right, rows));
                i = j - 1;
            }
        }
        return out;
    }

    private static List<String> cells(String line) {
        String s = line.strip();
        s = s.substring(1, s.endsWith("|") ? s.length() - 1 : s.length());
        return Arrays.stream(s.split("\\|", -1)).map(String::strip).toList();
    }

    /**
     * Merges one table of several runs.
     *
     * @param where the table, for messages ({@code bench-training.md "Results" 1})
     * @param runs each run's table, empty for a run whose report lacks it
     * @return the merged table in markdown, with a note when a remark column was dropped
     * @throws IllegalArgumentException when no run has the table or two runs' columns differ
     */
    static String merge(String where, List<Optional<Table>> runs) {
        Table first = runs.stream().flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run's report has the table " + where
                        + "; check the heading and position in the marker"));
        for (Optional<Table> t : runs) {
            if (t.isPresent() && !t.get().header().equals(first.header())) {
                throw new IllegalArgumentException("the table " + where + " has other columns in one run ("
                        + t.get().header() + ") than in another (" + first.header() + "); publish runs of the same"
                        + " benchmark version together");
            }
        }
        int keys = first.keyColumns();
        List<List<String>> names = new ArrayList<>();
        for (Optional<Table> t : runs) {
            t.ifPresent(tab -> tab.rows().forEach(r -> {
                if (!names.contains(tab.key(r))) {
                    names.add(tab.key(r));
                }
            }));
        }
        int columns = first.header().size();
        List<List<String>> merged = new ArrayList<>();
        for (List<String> name : names) {
            List<Optional<List<String>>> rows = runs.stream().map(t -> t.flatMap(tab -> tab.rows().stream()
                    .filter(r -> r.size() == columns && tab.key(r).equals(name)).findFirst())).toList();
            List<String> out = new ArrayList<>(name);
            for (int c = keys; c < columns; c++) {
                int col = c;
                List<Optional<String>> cells = rows.stream().map(r -> r.map(x -> x.get(col))).toList();
                out.add(first.right().get(c) ? figure(cells) : remark(cells));
            }
            merged.add(out);
        }
        List<Integer> dropped = new ArrayList<>();
        for (int c = keys; c < columns; c++) {
            int col = c;
            if (!first.right().get(c) && merged.stream().anyMatch(r -> r.get(col) == null)) {
                dropped.add(c);
            }
        }
        StringBuilder sb = new StringBuilder();
        List<Integer> shown = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            if (!dropped.contains(c)) {
                shown.add(c);
            }
        }
        sb.append("| ").append(String.join(" | ", shown.stream().map(first.header()::get).toList())).append(" |\n|");
        shown.forEach(c -> sb.append(first.right().get(c) ? " ---: |" : " --- |"));
        sb.append('\n');
        for (List<String> r : merged) {
            sb.append("| ").append(String.join(" | ", shown.stream().map(r::get).toList())).append(" |\n");
        }
        if (!dropped.isEmpty()) {
            sb.append("\n").append(String.join(", ", dropped.stream().map(c -> "`" + first.header().get(c) + "`").toList()))
                    .append(" differs from run to run and is left out here; each run's report has it.\n");
        }
        return sb.toString();
    }

    /** The median of the runs' figures with each run's cell, or the one cell every run has. */
    static String figure(List<Optional<String>> cells) {
        List<String> present = cells.stream().flatMap(Optional::stream).toList();
        if (present.stream().distinct().count() == 1 && present.size() == cells.size()) {
            return present.get(0);
        }
        List<Double> values = new ArrayList<>();
        String format = null;
        String unit = "";
        boolean commas = false;
        boolean signed = false;
        for (String s : present) {
            Matcher m = NUMBER.matcher(s);
            if (m.matches()) {
                values.add(Double.parseDouble(m.group(1).replace(",", "")));
                commas |= m.group(1).contains(",");
                signed |= m.group(1).startsWith("+"); // a change: its sign is shown
                if (format == null) {
                    int dot = m.group(1).indexOf('.');
                    format = "%" + "." + (dot < 0 ? 0 : m.group(1).length() - dot - 1) + "f";
                    unit = m.group(2) == null ? "" : m.group(2);
                }
            }
        }
        if (values.isEmpty()) {
            return String.join(", ", cells.stream().map(c -> c.orElse("-")).toList());
        }
        String u = unit;
        String each = "(" + String.join(", ", cells.stream().map(c -> c.map(x -> !u.isEmpty() && x.endsWith(u)
                && NUMBER.matcher(x).matches() ? x.substring(0, x.length() - u.length()) : x).orElse("-")).toList()) + ")";
        double median = CoreCeiling.median(values.stream().mapToDouble(Double::doubleValue).toArray());
        String f = (commas ? format.replace("%", "%,") : format).replace("%", signed ? "%+" : "%");
        return String.format(Locale.ROOT, f, median) + unit + " " + each;
    }

    /** A remark every run agrees on, or null when the runs differ. */
    private static String remark(List<Optional<String>> cells) {
        List<String> present = cells.stream().flatMap(Optional::stream).distinct().toList();
        return present.size() == 1 ? present.get(0) : null;
    }

    /**
     * Replaces the marked blocks of a documentation file with the runs' merged tables.
     *
     * @param docs the documentation's text
     * @param docsName its name, for messages
     * @param runs the runs, in the order their figures are listed
     * @param reports for each report file name, each run's text of it (empty where a run lacks it)
     * @return the new text and how many blocks were replaced and kept
     */
    static Outcome apply(String docs, String docsName, List<Run> runs, Map<String, List<Optional<String>>> reports,
                         Optional<String> group) {
        StringBuilder out = new StringBuilder();
        List<String> lines = docs.lines().toList();
        int replaced = 0;
        int kept = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = marker(line);
            if (m == null) {
                out.append(line).append('\n');
                continue;
            }
            boolean isTable = m.pattern() == TABLE_MARK;
            String end = isTable ? TABLE_END : RUNS_END;
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).strip().equals(end)) {
                if (marker(lines.get(close)) != null) {
                    close = lines.size();
                    break;
                }
                close++;
            }
            if (close >= lines.size()) {
                throw new IllegalArgumentException(docsName + ":" + (i + 1) + ": " + line.strip() + " has no " + end
                        + " before the next marker or the end; add it after the block");
            }
            String file = m.group(2);
            List<Optional<String>> texts = reports.getOrDefault(file, List.of());
            out.append(line).append('\n');
            if (!Optional.ofNullable(m.group(1)).equals(group) || texts.stream().noneMatch(Optional::isPresent)) {
                for (int k = i + 1; k <= close; k++) {
                    out.append(lines.get(k)).append('\n');
                }
                kept++;
            } else {
                if (isTable) {
                    String heading = m.group(3);
                    int index = Integer.parseInt(m.group(4));
                    String where = file + " \"" + heading + "\" " + index + " (" + docsName + ":" + (i + 1) + ")";
                    List<Optional<Table>> tabs = texts.stream().map(t -> t.flatMap(text -> {
                        List<Table> under = tables(text).getOrDefault(heading, List.of());
                        return index >= 1 && index <= under.size() ? Optional.of(under.get(index - 1)) : Optional.empty();
                    })).toList();
                    out.append(merge(where, tabs));
                } else {
                    out.append(runsLine(file, runs, texts));
                }
                out.append(end).append('\n');
                replaced++;
            }
            i = close;
        }
        return new Outcome(out.toString(), replaced, kept);
    }

    /**
     * @param text the new documentation
     * @param replaced blocks replaced
     * @param kept blocks left as they were (their report is in none of the runs)
     */
    record Outcome(String text, int replaced, int kept) { }

    private static String runsLine(String file, List<Run> runs, List<Optional<String>> texts) {
        List<String> named = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            if (texts.get(r).isPresent()) {
                named.add((named.size() + 1) + ": " + runs.get(r).label());
            }
        }
        return (named.size() == 1 ? "One run of" : named.size() + " runs of") + " `" + file + "` (" + String.join("; ", named)
                + ")" + (named.size() > 1 ? "; tables give the median with each run's figure in brackets, in this order,"
                + " and a figure once when every run had the same" : "") + ". Written by `spindle bench publish`.\n";
    }

    /**
     * Reads the runs' reports and rewrites the documentation file (through a temporary file, so a
     * failure leaves it as it was).
     *
     * @param docs the documentation file
     * @param dirs the runs' output folders
     * @param group the group of markers to replace, or empty for the markers without one
     * @return what was done
     * @throws IOException when a file cannot be read or written
     */
    static Outcome publish(Path docs, List<Path> dirs, Optional<String> group) throws IOException {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("name at least one benchmark output folder (the --output of a bench run)");
        }
        if (!Files.isRegularFile(docs)) {
            throw new IllegalArgumentException("--docs " + docs + " is not a file; give the documentation file with the"
                    + " bench-table markers (default: docs/benchmarks.md of the Spindle checkout)");
        }
        String text = Files.readString(docs);
        List<String> files = new ArrayList<>();
        for (String line : text.lines().toList()) {
            Matcher m = marker(line);
            if (m != null && Optional.ofNullable(m.group(1)).equals(group) && !files.contains(m.group(2))) {
                files.add(m.group(2));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(docs + " has no bench-table markers" + group.map(g -> " of the group " + g)
                    .orElse(" without a group") + "; see spindle bench publish --help");
        }
        List<Run> runs = new ArrayList<>();
        Map<String, List<Optional<String>>> reports = new LinkedHashMap<>();
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + " is not a folder; name the --output folders of bench runs");
            }
            Optional<Path> any = files.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst();
            if (any.isEmpty()) {
                throw new IllegalArgumentException(dir + " has none of the reports " + docs + " shows (" + String.join(", ",
                        files) + "); name the --output folder of a bench run");
            }
            runs.add(new Run(time.format(Files.getLastModifiedTime(any.get()).toInstant())));
            for (String f : files) {
                Path p = dir.resolve(f);
                reports.computeIfAbsent(f, k -> new ArrayList<>()).add(Files.isRegularFile(p)
                        ? Optional.of(Files.readString(p)) : Optional.empty());
            }
        }
        Outcome o = apply(text, docs.toString(), runs, reports, group);
        Path tmp = docs.resolveSibling("." + docs.getFileName() + ".publish-tmp");
        Files.writeString(tmp, o.text());
        try {
            Files.move(tmp, docs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, docs, StandardCopyOption.REPLACE_EXISTING);
        }
        return o;
    }
}
