package io.bulwark.runtime.ratelimit.redis;

/** The store did not answer, answered too late, or answered something that is not an answer. */
final class StoreException extends Exception {

    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    StoreException(String message) {
        this(message, null);
    }
}
