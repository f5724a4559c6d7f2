package io.bulwark.runtime;

/**
 * A guard declaration that cannot be enforced as written: a bad template, duration, limit or combination.
 * Found when the class is woven; the method is then woven to refuse every call, never left unguarded.
 */
public final class InvalidGuardException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidGuardException(String message) {
        super(message, null, false, false);
    }
}
