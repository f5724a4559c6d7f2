package io.bulwark.runtime.ratelimit;

import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;

/**
 * {@code count = FAILURES}: the times of the failures still inside the window (a ring of at most {@code limit}),
 * the calls in flight, and the end of a lockout.
 *
 * <p>A call reserves a slot before the method runs ({@link #admit}) and gives it back when it ends
 * ({@link #settle}), so that failures plus calls in flight never exceed the limit: ten concurrent wrong
 * passwords against a limit of five get five tries, not ten.
 */
final class FailureCell extends Cell {

    /** What a call refused only because the other slots are in flight is told: they settle within a call's time. */
    static final long IN_FLIGHT_WAIT_MICROS = 1_000_000;

    private final long[] failures;
    private int head;
    private int size;
    private int inFlight;
    private long lockedUntil;

    FailureCell(long id, MemoryLimit limit) {
        super(id, limit);
        this.failures = new long[limit.policy.limit()];
    }

    @Override
    long waitMicros(long now) {
        if (lockedUntil > now) {
            return lockedUntil - now;
        }
        forgetExpired(now);
        if (size + inFlight < failures.length) {
            return 0;
        }
        return size == failures.length ? oldest() + limit.windowMicros - now : IN_FLIGHT_WAIT_MICROS;
    }

    @Override
    void admit(long now) {
        inFlight++;
    }

    /** Ends a call admitted earlier. */
    void settle(Throwable thrown, long now) {
        inFlight--;
        RateLimitPolicy p = limit.policy;
        if (thrown != null && p.countsAsFailure(thrown)) {
            forgetExpired(now);
            // size + inFlight never exceeds the limit (admit reserved this slot), so the ring has room.
            failures[(head + size) % failures.length] = now;
            size++;
            if (size == failures.length && p.hasLockout()) {
                lockedUntil = now + limit.lockoutMicros;
                // The lock replaces the failures that caused it: after it ends, the key starts afresh.
                size = 0;
            }
        } else if (thrown == null && p.resetOnSuccess()) {
            size = 0;
        }
    }

    @Override
    RateLimitedException refusal(long now) {
        RateLimitPolicy p = limit.policy;
        long wait = waitMicros(now);
        if (lockedUntil > now) {
            return new LockedOutException(p.name(), p.limit(), p.window(), p.lockout(), RateLimitPolicy.fromMicros(wait));
        }
        return new RateLimitedException(p.name(), p.limit(), 0, p.window(), RateLimitPolicy.fromMicros(wait),
                RateLimitPolicy.fromMicros(size == 0 ? wait : newest() + limit.windowMicros - now));
    }

    @Override
    boolean idle(long now) {
        forgetExpired(now);
        return inFlight == 0 && size == 0 && lockedUntil <= now;
    }

    private void forgetExpired(long now) {
        while (size > 0 && failures[head] <= now - limit.windowMicros) {
            head = (head + 1) % failures.length;
            size--;
        }
    }

    private long oldest() {
        return failures[head];
    }

    private long newest() {
        return failures[(head + size - 1) % failures.length];
    }
}
