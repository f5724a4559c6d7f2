package io.bulwark.monitoring;

import java.util.Locale;
import java.util.Objects;

/**
 * One {@code @Requires2FA} check of one call: who asked is not said (no user id).
 *
 * @param outcome what became of it
 */
public record StepUpDecision(Outcome outcome) {

    public StepUpDecision {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** What became of a step-up; {@link #tag()} is the metric tag value. */
    public enum Outcome {
        /** Passed: the session had verified a second factor within the method's max age. */
        FRESH,
        /** Passed: the code presented was verified (the session is fresh from now on). */
        VERIFIED,
        /** Refused: no code, and the session has not verified one. */
        MISSING,
        /** Refused: no code, and the session's verification is older than the max age. */
        EXPIRED,
        /** Refused: the code presented is wrong, malformed or already used. */
        INVALID,
        /** Refused: too many wrong codes lately, the code was not checked. */
        THROTTLED,
        /** Refused: the factor is locked after too many wrong codes. */
        LOCKED,
        /** Refused: the user has no second factor. */
        NOT_ENROLLED,
        /** Refused: the factor store or Redis could not answer (fails closed, HTTP 503). */
        ERROR;

        private final String tag = name().toLowerCase(Locale.ROOT);

        /** {@code fresh}, {@code verified}, {@code missing}, ... */
        public String tag() {
            return tag;
        }
    }

    /** Whether the call went ahead. */
    public boolean passed() {
        return outcome == Outcome.FRESH || outcome == Outcome.VERIFIED;
    }
}
