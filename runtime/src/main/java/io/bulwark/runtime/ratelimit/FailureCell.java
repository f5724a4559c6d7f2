package io.bulwark.runtime.ratelimit;

import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;

/**
 * {@code count = FAILURES}: the times of the failures still inside the window (a ring of at most {@code limit}), the
 * calls in flight, and the end of a lockout. Guarded by its monitor.
 *
 * <p>A call reserves a slot before the method runs ({@link #admit}) and gives it back when it ends
 * ({@link #settle}), so that failures plus calls in flight never exceed the limit: ten concurrent wrong
 * passwords against a limit of five get five tries, not ten.
 *
 * <p>The ring is sized by use: it starts with room for {@link #INITIAL} failures and doubles (up to {@code limit})
 * when a reservation needs more, each growth charged to the memory budget. A key that saw one wrong password costs
 * a few dozen bytes, not {@code 8 × limit} (8 KB at a limit of 1,000, which is how an attacker with random keys used
 * to exhaust the heap long before the key bound).
 */
final class FailureCell extends Cell {

    /** What a call refused only because the other slots are in flight is told: they settle within a call's time. */
    static final long IN_FLIGHT_WAIT_MICROS = 1_000_000;
    static final int INITIAL = 2;

    private long[] failures;
    private int head;
    private int size;
    private int inFlight;
    private long lockedUntil;

    FailureCell(long id, MemoryLimit limit, Object key) {
        super(id, limit, key);
        this.failures = new long[Math.min(INITIAL, limit.policy.limit())];
    }

    /** The cell's own bytes when new: header and fields, and its ring. */
    static long initialBytes(int limit) {
        return 48 + MemoryBudget.align(16 + 8L * Math.min(INITIAL, limit));
    }

    @Override
    long waitMicros(long now) {
        if (lockedUntil > now) {
            return lockedUntil - now;
        }
        forgetExpired(now);
        int max = limit.policy.limit();
        if (size + inFlight < max) {
            return 0;
        }
        return size == max ? oldest() + limit.windowMicros - now : IN_FLIGHT_WAIT_MICROS;
    }

    @Override
    boolean admit(long now) {
        int needed = size + inFlight + 1;
        if (needed > failures.length && !grow(needed)) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** Makes the ring hold {@code needed} (at most the limit), charging the budget; false when it refuses. */
    private boolean grow(int needed) {
        int length = Math.min(limit.policy.limit(), Math.max(needed, failures.length * 2));
        long more = 8L * (length - failures.length);
        if (!limit.budget.reserve(limit, more, 0)) {
            return false;
        }
        long[] bigger = new long[length];
        for (int i = 0; i < size; i++) {
            bigger[i] = failures[(head + i) % failures.length];
        }
        failures = bigger;
        head = 0;
        bytes += more;
        return true;
    }

    /** Gives back a reservation whose call never ran (another limit of its method refused). */
    void release() {
        inFlight--;
    }

    /** Ends a call admitted earlier. */
    void settle(Throwable thrown, long now) {
        inFlight--;
        RateLimitPolicy p = limit.policy;
        if (thrown != null && p.countsAsFailure(thrown)) {
            forgetExpired(now);
            // size + inFlight never exceeds the ring (admit made room for this slot).
            failures[(head + size) % failures.length] = now;
            size++;
            if (size == p.limit() && p.hasLockout()) {
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
