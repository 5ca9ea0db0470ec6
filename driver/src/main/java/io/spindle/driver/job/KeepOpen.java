package io.spindle.driver.job;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** A view of a stream whose {@code close()} only flushes: for writers that close what they are given. */
final class KeepOpen extends FilterOutputStream {

    /** @param out the stream that stays open */
    KeepOpen(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
