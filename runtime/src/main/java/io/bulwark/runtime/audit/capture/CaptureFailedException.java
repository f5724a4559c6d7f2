package io.bulwark.runtime.audit.capture;

/**
 * Reading an argument for the audit record threw (a getter, an iterator, a map another thread changes): the capture
 * cannot be whole, and the call is refused rather than run with a record that says less than it should. Carries the
 * type of what was thrown, never its message (it may quote the very value being read).
 */
public final class CaptureFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CaptureFailedException(Throwable cause) {
        super(cause instanceof CaptureFailedException c ? c.getMessage() : cause.getClass().getName(), null, false,
                false);
    }

    /** The type of what was thrown while reading. */
    public String thrownType() {
        return getMessage();
    }
}
