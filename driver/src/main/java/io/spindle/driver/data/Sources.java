package io.spindle.driver.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** Driver-side file work: resolving and listing input paths, reading a header, locating a line. */
final class Sources {
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    private Sources() { }

    /**
     * Resolves a spec path: a URI with a scheme or an absolute path is kept (absolute paths are on
     * Hadoop's default file system), a relative path is resolved against {@code baseDir}.
     */
    static String resolve(String path, java.nio.file.Path baseDir) {
        if (SCHEME.matcher(path).matches() || path.startsWith("/")) {
            return path;
        }
        return baseDir.resolve(path).normalize().toString();
    }

    /**
     * Lists the data files a path stands for the way Hadoop's input formats read them: a file, the
     * visible files of a folder (names starting with '_' or '.' are hidden), or a glob's matches.
     *
     * @param key spec key for messages, e.g. {@code data.path}
     * @throws DataException when nothing is there
     */
    static List<Path> list(String key, String given, String resolved, Configuration conf) {
        Path p = new Path(resolved);
        List<Path> files = new ArrayList<>();
        try {
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new DataException(key + ": nothing found at '" + given + "'"
                        + (given.equals(resolved) ? "" : " (resolved to '" + resolved + "')")
                        + "; check the path (relative paths resolve against the current directory)");
            }
            for (FileStatus m : matches) {
                if (m.isDirectory()) {
                    for (FileStatus c : fs.listStatus(m.getPath())) {
                        if (c.isFile() && !hidden(c.getPath())) {
                            files.add(c.getPath());
                        }
                    }
                } else if (!hidden(m.getPath())) {
                    files.add(m.getPath());
                }
            }
        } catch (IOException e) {
            throw new DataException(key + ": cannot list '" + resolved + "': " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DataException(key + ": no data files in '" + given + "' (a folder's files whose names "
                    + "start with '_' or '.' are ignored)");
        }
        files.sort(null);
        return files;
    }

    private static boolean hidden(Path p) {
        String n = p.getName();
        return n.startsWith("_") || n.startsWith(".");
    }

    static InputStream open(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        InputStream in = fs.open(p);
        return codec == null ? in : codec.createInputStream(in);
    }

    /**
     * @param where the spec key and path as given, for messages
     * @return the first non-blank line of a file (decompressed, without BOM), or null if none
     * @throws DataException when the file cannot be read or decompressed
     */
    static String firstLine(String where, Path p, Configuration conf) {
        try (InputStream in = new java.io.BufferedInputStream(open(p, conf))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n' || b == '\r') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    if (!s.isBlank()) {
                        return stripBom(s);
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            String s = line.toString(StandardCharsets.UTF_8);
            return s.isBlank() ? null : stripBom(s);
        } catch (IOException e) {
            DataException d = Unreadable.compressed(where, p.toString(), e);
            throw d != null ? d : new DataException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /**
     * Converts a byte offset of a line start (in the decompressed stream, as Hadoop's
     * LineRecordReader reports it) to a 1-based line number, by streaming the file and counting
     * line ends (LF, CR or CRLF). Called only to report an error.
     */
    static long lineNumber(String file, long offset, Configuration conf) {
        try (InputStream in = open(new Path(file), conf)) {
            byte[] buf = new byte[1 << 16];
            long line = 1;
            long done = 0;
            int prev = -1;
            while (done < offset) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, offset - done));
                if (n < 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\r' || (b == '\n' && prev != '\r')) {
                        line++;
                    }
                    prev = b;
                }
                done += n;
            }
            return line;
        } catch (IOException e) {
            throw new DataException("cannot read " + file + " to locate byte " + offset + ": " + e.getMessage(), e);
        }
    }
}
