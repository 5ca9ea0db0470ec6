package io.spindle.driver.data;

/**
 * Bad input data: the message names the file, line and column (or row, for columnar formats),
 * the value found and how to fix it, e.g.
 * {@code data.csv line 17, column 'age' (3): "abc" is not a number; fix the value or set
 * data.on_bad_record: skip}.
 */
public class DataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message the complete user-facing message */
    public DataException(String message) {
        super(message);
    }

    /**
     * @param message the complete user-facing message
     * @param cause the underlying I/O or parse error
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
