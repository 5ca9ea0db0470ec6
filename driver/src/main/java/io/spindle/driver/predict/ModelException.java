package io.spindle.driver.predict;

/**
 * A model that cannot be used: missing, not a Spindle model, damaged or written in a newer format.
 * The message is one line naming the path, what is wrong and what to do.
 */
public class ModelException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message the complete user-facing message */
    public ModelException(String message) {
        super(message);
    }

    /**
     * @param message the complete user-facing message
     * @param cause the underlying I/O or parse error
     */
    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
