package io.spindle.driver.data;

import java.util.ArrayList;

/**
 * Splits one CSV line into fields: a delimiter separates fields, a field may be enclosed in
 * double quotes (then it may contain the delimiter, and {@code ""} stands for one quote),
 * unquoted fields are trimmed. Quoted fields cannot span lines.
 */
public final class Csv {
    private Csv() { }

    /**
     * @param line one line without its terminator
     * @param delimiter field separator
     * @param out receives the fields (cleared first)
     * @return -1 when all is well, else the 1-based index of a field whose quote is not closed
     */
    public static int split(String line, char delimiter, ArrayList<String> out) {
        out.clear();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i++;
                        break;
                    }
                    sb.append(c);
                    i++;
                }
                out.add(sb.toString());
                if (!closed) {
                    return out.size();
                }
                // anything between the closing quote and the next delimiter is ignored
                int next = line.indexOf(delimiter, i);
                if (next < 0) {
                    return -1;
                }
                i = next + 1;
            } else {
                int next = line.indexOf(delimiter, i);
                if (next < 0) {
                    out.add(line.substring(i).trim());
                    return -1;
                }
                out.add(line.substring(i, next).trim());
                i = next + 1;
            }
        }
    }
}
