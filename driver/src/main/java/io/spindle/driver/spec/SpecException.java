package io.spindle.driver.spec;

/**
 * Bad user input in a job spec: the message names the spec path, the value found and how to
 * fix it, e.g. {@code model.layers[2].units must be > 0, got -5}.
 */
public class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message the complete user-facing message */
    public SpecException(String message) {
        super(message);
    }

    /**
     * @param message the complete user-facing message
     * @param cause the underlying parser error
     */
    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
