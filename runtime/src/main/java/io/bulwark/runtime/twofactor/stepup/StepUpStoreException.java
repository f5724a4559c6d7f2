package io.bulwark.runtime.twofactor.stepup;

/** Redis (sessions, the replay ledger) cannot answer: the step-up fails closed. */
final class StepUpStoreException extends Exception {

    private static final long serialVersionUID = 1L;

    StepUpStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
