package io.bulwark.monitoring;

import java.util.Locale;
import java.util.Objects;

/**
 * One {@code @RateLimited} policy's answer to one call. A method with several policies gives one decision per
 * policy when the call is admitted, and one, from the policy that refused, when it is not.
 *
 * @param policy     the policy's name, as declared in the annotation (never a key value)
 * @param outcome    what became of the call
 * @param reason     why
 * @param store      where the policy counted: {@link Store#MEMORY} or {@link Store#REDIS}; {@link Store#MEMORY} also
 *                   when Redis was unavailable and the policy decided without it
 * @param storeNanos how long the store took to answer, in nanoseconds, for a store across the network (Redis); 0
 *                   for checks in memory, which are not timed (two clock reads would cost more than the check)
 */
public record RateLimitDecision(String policy, Outcome outcome, Reason reason, Store store, long storeNanos) {

    public RateLimitDecision {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(store, "store");
    }

    /** What became of the call; {@link #tag()} is the metric tag value. */
    public enum Outcome {
        /** Admitted. */
        ALLOWED,
        /** Refused: {@code RateLimitedException} or {@code LockedOutException}, HTTP 429. */
        DENIED,
        /** Admitted, but only because the policy is in shadow mode: in enforce mode it would have been refused. */
        SHADOW_DENIED,
        /** Refused because no decision could be made and the policy fails closed: {@code GuardUnavailableException}. */
        ERROR;

        private final String tag = name().toLowerCase(Locale.ROOT);

        /** {@code allowed}, {@code denied}, {@code shadow_denied} or {@code error}. */
        public String tag() {
            return tag;
        }
    }

    /** Why; {@link #tag()} is the metric tag value. */
    public enum Reason {
        /** The call fit within the limit. */
        WITHIN_LIMIT,
        /** The limit was spent. */
        LIMIT_EXCEEDED,
        /** A lockout ({@code count = FAILURES} with {@code lockout}) is in force. */
        LOCKED_OUT,
        /**
         * The store could not answer (Redis down or slow, or the in-memory table full): the call was admitted
         * ({@code onStoreFailure = OPEN} or {@code LOCAL}) or refused ({@code CLOSED}, and lockouts always).
         */
        STORE_UNAVAILABLE;

        private final String tag = name().toLowerCase(Locale.ROOT);

        /** {@code within_limit}, {@code limit_exceeded}, {@code locked_out} or {@code store_unavailable}. */
        public String tag() {
            return tag;
        }
    }

    /** Whether the call went ahead (allowed, or refused only in shadow). */
    public boolean admitted() {
        return outcome == Outcome.ALLOWED || outcome == Outcome.SHADOW_DENIED;
    }
}
