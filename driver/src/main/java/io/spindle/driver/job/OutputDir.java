package io.spindle.driver.job;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's output folder on any Hadoop file system. Checked before any work starts, created only
 * once the inputs are known good, and written file by file through temporary names renamed into
 * place, so a reader never sees a half-written file.
 */
public final class OutputDir {

    private final FileSystem fs;
    private final Path dir;

    private OutputDir(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /**
     * Checks, without writing anything, that {@code uri} can become a fresh output folder.
     *
     * @param uri folder path or Hadoop FS URI
     * @param overwrite whether an existing folder may be replaced
     * @param conf Hadoop configuration
     * @return the (not yet created) folder
     * @throws OutputException when the folder exists (without overwrite) or cannot be created
     */
    public static OutputDir check(String uri, boolean overwrite, Configuration conf) {
        Path dir = new Path(uri);
        FileSystem fs;
        try {
            fs = dir.getFileSystem(conf);
            fs.setWriteChecksum(false); // no .crc side files next to the outputs on the local FS
            dir = fs.makeQualified(dir);
            if (fs.exists(dir)) {
                if (!fs.getFileStatus(dir).isDirectory()) {
                    throw new OutputException("output " + uri + " is a file, not a folder; choose another --output");
                }
                if (!overwrite) {
                    throw new OutputException("output folder " + uri + " already exists; pass --overwrite to replace it,"
                            + " or choose another --output");
                }
            }
            Path p = dir.getParent();
            while (p != null && !fs.exists(p)) {
                p = p.getParent();
            }
            if (p != null && !fs.getFileStatus(p).isDirectory()) {
                throw new OutputException("cannot create output folder " + uri + ": " + p + " is a file; choose another --output");
            }
            if (p != null && "file".equals(fs.getUri().getScheme())) {
                java.nio.file.Path local = java.nio.file.Paths.get(URI.create(p.toUri().toString()));
                if (!java.nio.file.Files.isWritable(local)) {
                    throw new OutputException("cannot create output folder " + uri + ": " + p + " is not writable;"
                            + " choose another --output");
                }
            }
        } catch (IOException e) {
            throw new OutputException("cannot use output folder " + uri + ": " + e.getMessage(), e);
        }
        return new OutputDir(fs, dir);
    }

    /**
     * Opens an existing output folder to continue the run in it ({@code --resume}).
     *
     * @param uri folder path or Hadoop FS URI
     * @param conf Hadoop configuration
     * @return the folder
     * @throws OutputException when it does not exist or is not a folder
     */
    public static OutputDir existing(String uri, Configuration conf) {
        Path dir = new Path(uri);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.setWriteChecksum(false);
            dir = fs.makeQualified(dir);
            if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
                throw new OutputException("--resume: output folder " + uri + " does not exist; run without --resume"
                        + " to start a new run there");
            }
            return new OutputDir(fs, dir);
        } catch (IOException e) {
            throw new OutputException("cannot use output folder " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param name file name inside the folder
     * @return whether it exists
     * @throws OutputException when the file system cannot tell
     */
    public boolean exists(String name) {
        try {
            return fs.exists(new Path(dir, name));
        } catch (IOException e) {
            throw new OutputException("cannot read " + new Path(dir, name) + ": " + e.getMessage(), e);
        }
    }

    /** Reads a file's content. */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * @param in the stream to read (closed by the caller)
         * @return what was read
         * @throws IOException on failure
         */
        T read(java.io.InputStream in) throws IOException;
    }

    /**
     * @param name file name inside the folder
     * @param reader what to read
     * @param <T> what the reader returns
     * @return the reader's result
     * @throws OutputException when the file cannot be read
     */
    public <T> T read(String name, Reader<T> reader) {
        Path p = new Path(dir, name);
        try (java.io.InputStream in = fs.open(p)) {
            return reader.read(in);
        } catch (IOException e) {
            throw new OutputException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param name a file name inside the folder
     * @return the temporary name {@link #write} uses for it
     */
    public static String temporaryName(String name) {
        return "." + name + ".tmp";
    }

    /**
     * Creates the folder, first removing an existing one (only reachable with overwrite).
     *
     * @throws OutputException when the file system refuses
     */
    public void create() {
        try {
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
            if (!fs.mkdirs(dir)) {
                throw new OutputException("cannot create output folder " + dir);
            }
        } catch (IOException e) {
            throw new OutputException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file's content. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out the stream to write to (closed by the caller)
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code name} through a temporary file renamed into place.
     *
     * @param name file name inside the folder
     * @param writer what to write
     * @return the file's full path
     * @throws OutputException on failure (the temporary file is removed)
     */
    public String write(String name, Writer writer) {
        Path tmp = new Path(dir, temporaryName(name));
        Path target = new Path(dir, name);
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                // some writers (DL4J's ModelSerializer) close the stream themselves; the caller owns it
                writer.write(new KeepOpen(out));
            }
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " failed");
            }
            return target.toString();
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the original failure is the one to report
                e.addSuppressed(ignored);
            }
            throw new OutputException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param name a sub-folder's name (created by the first write into it)
     * @return the sub-folder, on the same file system
     */
    public OutputDir child(String name) {
        return new OutputDir(fs, new Path(dir, name));
    }

    /** @return the folder's qualified path */
    public String path() {
        return dir.toString();
    }

    /** An output folder that cannot be used. */
    public static final class OutputException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong with the folder and how to fix it
         */
        public OutputException(String message) {
            super(message);
        }

        OutputException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
