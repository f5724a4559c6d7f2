package io.bulwark.runtime.twofactor.store;

/** The store of second factors cannot answer (down, refusing, damaged): every step-up then fails closed. */
public final class FactorStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public FactorStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public FactorStoreException(String message) {
        super(message);
    }
}
