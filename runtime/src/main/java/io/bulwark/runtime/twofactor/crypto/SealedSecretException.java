package io.bulwark.runtime.twofactor.crypto;

/** A stored secret that cannot be opened: its key is gone, or it is not what was sealed for this user and slot. */
public final class SealedSecretException extends Exception {

    private static final long serialVersionUID = 1L;

    public SealedSecretException(String message) {
        super(message);
    }
}
