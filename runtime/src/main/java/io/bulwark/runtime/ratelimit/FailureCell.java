package io.bulwark.runtime.ratelimit;

import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import java.util.Arrays;

/**
 * {@code count = FAILURES}: the times of the failures still inside the window (a ring of at most {@code limit}),
 * the attempts in flight, and the end of a lockout.
 *
 * <p>An attempt reserves a slot before the method runs ({@link #reserve}) and gives it back when it ends
 * ({@link #settle}), so that failures plus attempts in flight never exceed the limit: ten concurrent wrong
 * passwords against a limit of five get five tries, not ten.
 *
 * <p>A reservation expires after {@link RateLimiter#RESERVATION_TTL_MICROS}, as it does in Redis: an asynchronous
 * call whose future is never completed (or a thread stuck for a minute) must not hold its slot for ever, which after
 * {@code limit} such calls would refuse the key for good. An attempt that ends after its reservation expired still
 * counts its failure.
 */
final class FailureCell extends Cell {

    /** What a call refused only because the other slots are in flight is told: they settle within a call's time. */
    static final long IN_FLIGHT_WAIT_MICROS = 1_000_000;

    private final long[] failures;
    private int head;
    private int size;
    /** Reservations in flight, in no order: ids and expiry times, {@code reservations} of them. Grown on demand. */
    private long[] reservationIds = new long[2];
    private long[] reservedUntil = new long[2];
    private int reservations;
    private long nextReservation;
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
        if (size + reservations < failures.length) {
            return 0;
        }
        return size == failures.length ? oldest() + limit.windowMicros - now : IN_FLIGHT_WAIT_MICROS;
    }

    @Override
    void admit(long now) {
        reserve(now);
    }

    /** Takes a slot for an attempt (after {@link #waitMicros} said 0); returns its reservation's id. */
    long reserve(long now) {
        if (reservations == reservationIds.length) {
            // At most limit of them: waitMicros admits no more.
            int grown = reservations * 2;
            reservationIds = Arrays.copyOf(reservationIds, grown);
            reservedUntil = Arrays.copyOf(reservedUntil, grown);
        }
        long reservation = ++nextReservation;
        reservationIds[reservations] = reservation;
        reservedUntil[reservations] = now + RateLimiter.RESERVATION_TTL_MICROS;
        reservations++;
        return reservation;
    }

    /**
     * Ends an attempt: gives back its reservation (unless it expired) and counts its outcome.
     *
     * @param thrown    what the call threw, or null when it returned
     * @param cancelled whether it ended without an outcome (cancelled, abandoned): nothing but the slot is given back
     */
    void settle(long reservation, Throwable thrown, boolean cancelled, long now) {
        for (int i = 0; i < reservations; i++) {
            if (reservationIds[i] == reservation) {
                removeReservation(i);
                break;
            }
        }
        if (cancelled) {
            return;
        }
        RateLimitPolicy p = limit.policy;
        if (thrown != null && p.countsAsFailure(thrown)) {
            forgetExpired(now);
            if (size == failures.length) {
                // Only when a reservation expired before its call ended (and another took its slot): keep the newest.
                head = (head + 1) % failures.length;
                size--;
            }
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
        return reservations == 0 && size == 0 && lockedUntil <= now;
    }

    private void forgetExpired(long now) {
        while (size > 0 && failures[head] <= now - limit.windowMicros) {
            head = (head + 1) % failures.length;
            size--;
        }
        for (int i = reservations - 1; i >= 0; i--) {
            if (reservedUntil[i] <= now) {
                removeReservation(i);
            }
        }
    }

    private void removeReservation(int i) {
        reservations--;
        reservationIds[i] = reservationIds[reservations];
        reservedUntil[i] = reservedUntil[reservations];
    }

    private long oldest() {
        return failures[head];
    }

    private long newest() {
        return failures[(head + size - 1) % failures.length];
    }
}
