package io.spindle.driver.job;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's output folder on any Hadoop file system. Checked before any work starts, created only
 * once the inputs are known good, locked ({@link OutputLock}) by the one process that writes it,
 * and written file by file through temporary names renamed into place, so a reader never sees a
 * half-written file.
 */
public final class OutputDir {

    private final FileSystem fs;
    private final Path dir;
    private final boolean overwrite;
    private final String shown;

    private OutputDir(FileSystem fs, Path dir, boolean overwrite, String shown) {
        this.fs = fs;
        this.dir = dir;
        this.overwrite = overwrite;
        this.shown = shown;
    }

    /**
     * Checks, without writing anything, that {@code uri} can become a fresh output folder.
     *
     * @param uri folder path or Hadoop FS URI
     * @param overwrite whether an existing folder may be replaced
     * @param conf Hadoop configuration
     * @return the (not yet created) folder
     * @throws OutputException when the folder exists (without overwrite), another live process
     *     holds its lock (even with overwrite) or it cannot be created
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
                Optional<OutputLock.Holder> holder = OutputLock.holder(fs, dir);
                if (holder.isPresent()) {
                    OutputLock.refuseUnlessStale(holder.get(), uri, new Path(dir, OutputLock.FILE));
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
        return new OutputDir(fs, dir, overwrite, uri);
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
            return new OutputDir(fs, dir, false, uri);
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

    /** Writes a whole folder at the path it is given (e.g. Spark's {@code DataFrameWriter.save}). */
    @FunctionalInterface
    public interface FolderWriter {
        /**
         * @param uri the folder to create and fill
         * @throws Exception on failure
         */
        void write(String uri) throws Exception;
    }

    /**
     * Fills this folder as a whole: {@code writer} fills a temporary sibling folder, which is then
     * renamed into place (an existing folder, allowed by overwrite, is removed only after the new
     * one is complete). On failure the temporary folder is removed and nothing else changes.
     *
     * @param writer what fills the folder
     * @throws Exception what the writer threw
     * @throws OutputException when the folder cannot be renamed into place
     */
    public void replaceWith(FolderWriter writer) throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        Path tmp = new Path(dir.getParent(), "." + dir.getName() + ".tmp-" + id);
        try {
            writer.write(tmp.toString());
        } catch (Exception | Error e) {
            fs.delete(tmp, true);
            throw e;
        }
        Path old = new Path(dir.getParent(), "." + dir.getName() + ".old-" + id);
        boolean had = fs.exists(dir);
        if (had && !fs.rename(dir, old)) {
            fs.delete(tmp, true);
            throw new OutputException("cannot replace output folder " + shown + ": it cannot be renamed");
        }
        if (!fs.rename(tmp, dir)) {
            if (had) {
                fs.rename(old, dir);
            }
            fs.delete(tmp, true);
            throw new OutputException("cannot create output folder " + shown + ": " + tmp + " cannot be renamed to it");
        }
        if (had) {
            fs.delete(old, true);
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
     * Creates the folder and takes its lock, first emptying an existing folder (only with
     * overwrite, and only once the lock is held, so no other live run's folder is ever emptied).
     *
     * @param command what takes the lock, e.g. {@code spindle train}
     * @return the lock, to close when the run ends
     * @throws OutputException when another process holds the folder, it gained files since
     *     {@link #check} (without overwrite) or the file system refuses
     */
    public OutputLock create(String command) {
        OutputLock lock = OutputLock.acquire(fs, dir, shown, command, System.err);
        try {
            for (FileStatus entry : fs.listStatus(dir)) {
                if (entry.getPath().getName().equals(OutputLock.FILE)) {
                    continue;
                }
                if (!overwrite) {
                    throw new OutputException("output folder " + shown + " already exists; pass --overwrite to replace"
                            + " it, or choose another --output");
                }
                fs.delete(entry.getPath(), true);
            }
            return lock;
        } catch (IOException e) {
            lock.close();
            throw new OutputException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Takes the lock of this existing folder, to continue the run in it ({@code --resume}).
     *
     * @param command what takes the lock, e.g. {@code spindle sweep}
     * @return the lock, to close when the run ends
     * @throws OutputException when another process holds the folder
     */
    public OutputLock lock(String command) {
        return OutputLock.acquire(fs, dir, shown, command, System.err);
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
        Path child = new Path(dir, name);
        return new OutputDir(fs, child, false, child.toString());
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
