package io.bulwark;

import io.bulwark.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * A call refused because its key is locked out: {@link RateLimited#limit()} failures fell within the window
 * and {@link RateLimited#lockout()} is in force. HTTP 429 like any rate limit; {@link #retryAfter()} says
 * when the lock ends.
 */
public class LockedOutException extends RateLimitedException {

    private static final long serialVersionUID = 1L;

    private final Duration lockout;

    public LockedOutException(String policy, int limit, Duration window, Duration lockout, Duration retryAfter) {
        super(message("locked out by '" + policy + "' after " + limit + " failures within "
                + Durations.format(window), retryAfter), policy, limit, 0, window, retryAfter, retryAfter);
        this.lockout = Objects.requireNonNull(lockout, "lockout");
    }

    /** The policy's lockout duration; {@link #retryAfter()} is what is left of it. */
    public Duration lockout() {
        return lockout;
    }
}
