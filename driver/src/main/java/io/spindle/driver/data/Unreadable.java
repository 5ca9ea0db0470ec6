package io.spindle.driver.data;

import java.io.EOFException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.Path;

/**
 * Recognizes a data file that cannot be read as what its name says (a truncated or corrupt
 * compressed file, a file named {@code .parquet} that is not Parquet) in the error the reader
 * raised, and turns it into a {@link DataException} that names the file, what is wrong and how to
 * fix it. Used on executors (text files) and on the driver (Parquet schema, first lines).
 */
final class Unreadable {
    private static final Pattern NOT_PARQUET = Pattern.compile("(\\S+) is not a Parquet file");
    private static final Pattern COMPRESSION_HINT = Pattern.compile(
            "gzip|zlib|header|magic|corrupt|deflate|bzip|compress", Pattern.CASE_INSENSITIVE);

    private Unreadable() { }

    /**
     * The compression a file's name announces, as Hadoop's codecs pick it by extension.
     *
     * @return e.g. {@code gzip}, or null when the name has no compression extension
     */
    static String compression(String file) {
        String n = file.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            return "gzip";
        }
        if (n.endsWith(".bz2")) {
            return "bzip2";
        }
        if (n.endsWith(".deflate")) {
            return "deflate";
        }
        if (n.endsWith(".zst")) {
            return "zstd";
        }
        if (n.endsWith(".lz4")) {
            return "lz4";
        }
        if (n.endsWith(".snappy")) {
            return "snappy";
        }
        return null;
    }

    /**
     * Explains a failure to decompress a file.
     *
     * @param where the spec key and the path as given, e.g. {@code data.path 'runs/x.csv.gz'}
     * @param file the file that was being read (path or URI)
     * @param e what the reader threw
     * @return a {@link DataException} naming the file, or null when the file has no compression
     *     extension or the error is not one of a truncated or undecodable stream (e.g. a network
     *     error), which is then not the data's fault
     */
    static DataException compressed(String where, String file, Throwable e) {
        String codec = compression(file);
        if (codec == null) {
            return null;
        }
        String name = DataLoader.displayPath(file);
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof EOFException) {
                return new DataException(where + ": " + name + " is a truncated or corrupt " + codec + " file ("
                        + detail(c) + "); re-download or re-compress it", e);
            }
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ZipException || c instanceof DataFormatException
                    || c.getMessage() != null && COMPRESSION_HINT.matcher(c.getMessage()).find()) {
                return new DataException(where + ": " + name + " is not " + codec + " data or is corrupt ("
                        + detail(c) + "); if it is not compressed, give it a name without '"
                        + file.substring(file.lastIndexOf('.')) + "', otherwise re-compress it", e);
            }
        }
        return null;
    }

    /**
     * Explains a failure to read a Parquet file's footer (a file that is not Parquet at all, or
     * whose footer is damaged).
     *
     * @param where the spec key and the path as given
     * @param files the files that were being read
     * @param e what Spark or Parquet threw
     * @return a {@link DataException} naming the file, or null when the error is not about a
     *     Parquet footer
     */
    static DataException parquet(String where, List<Path> files, Throwable e) {
        String notParquet = null;
        String footer = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) {
                continue;
            }
            if (notParquet == null && m.contains("is not a Parquet file")) {
                notParquet = m;
            }
            if (footer == null && m.contains("Could not read footer")) {
                footer = m;
            }
        }
        if (notParquet != null) {
            String why = notParquet.contains("magic number at tail")
                    ? "its last bytes are not Parquet's magic 'PAR1'"
                    : notParquet.contains("too low") ? "it is too short to be one" : "its footer is missing";
            return new DataException(where + ": " + DataLoader.displayPath(fileIn(notParquet, files)) + " is not a Parquet file ("
                    + why + "); give CSV files a .csv name or set data.format", e);
        }
        if (footer != null) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new DataException(where + ": " + DataLoader.displayPath(fileIn(footer, files))
                    + " is a corrupt Parquet file (its footer cannot be read: " + detail(root)
                    + "); re-write or re-download it", e);
        }
        return null;
    }

    /** The data file a message names: one of the files, else the path before "is not a Parquet file". */
    private static String fileIn(String message, List<Path> files) {
        for (Path f : files) {
            if (message.contains(f.toString()) || message.contains(f.toUri().getPath())) {
                return f.toString();
            }
        }
        Matcher m = NOT_PARQUET.matcher(message);
        if (m.find()) {
            return m.group(1);
        }
        return files.size() == 1 ? files.get(0).toString() : "one of the files";
    }

    /** An exception's message (first line) or, without one, its kind. */
    private static String detail(Throwable c) {
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m.split("\n")[0].strip();
    }

    /** @return the first {@link DataException} in the cause chain, or null */
    static DataException find(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof DataException d) {
                return d;
            }
        }
        return null;
    }
}
