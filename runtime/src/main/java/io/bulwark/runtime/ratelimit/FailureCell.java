package io.bulwark.runtime.ratelimit;

import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import java.util.Arrays;

/**
 * {@code count = FAILURES}: the times of the failures still inside the window (a ring of at most {@code limit}), the
 * attempts in flight, and the end of a lockout. Guarded by its monitor.
 *
 * <p>An attempt reserves a slot before the method runs ({@link #reserve}) and gives it back when it ends
 * ({@link #settle}), so that failures plus attempts in flight never exceed the limit: ten concurrent wrong
 * passwords against a limit of five get five tries, not ten.
 *
 * <p>A reservation lasts {@link RateLimiter#RESERVATION_TTL_MICROS} and is extended ({@link #extend}, by
 * {@link Leases}) while its call runs, however long: a slow attempt never frees its slot early. One that expires
 * anyway (its call was abandoned: an asynchronous call whose future nobody completes nor holds) counts as a failure at
 * its expiry, as in Redis, and the attempt's own settle, should it come after all, counts nothing more.
 *
 * <p>The ring and the reservations are sized by use: they start with room for {@link #INITIAL} entries and double
 * (the ring up to {@code limit}) when an attempt needs more, each growth charged to the memory budget. A key that saw
 * one wrong password costs a few dozen bytes, not {@code 8 × limit} (8 KB at a limit of 1,000, which is how an
 * attacker with random keys used to exhaust the heap long before the key bound).
 */
final class FailureCell extends Cell {

    /** What a call refused only because the other slots are in flight is told: they settle within a call's time. */
    static final long IN_FLIGHT_WAIT_MICROS = 1_000_000;
    static final int INITIAL = 2;
    /** What {@link #reserve} answers when the memory budget refused the room: nothing was taken. */
    static final long NO_ROOM = -1;

    private long[] failures;
    private int head;
    private int size;
    /** Reservations in flight, in no order: ids and expiry times, {@code reservations} of them. */
    private long[] reservationIds;
    private long[] reservedUntil;
    private int reservations;
    private long nextReservation;
    private long lockedUntil;

    FailureCell(long id, MemoryLimit limit, Object key, int generation) {
        super(id, limit, key, generation);
        int initial = Math.min(INITIAL, limit.numbers.policy.limit());
        this.failures = new long[initial];
        this.reservationIds = new long[initial];
        this.reservedUntil = new long[initial];
    }

    /** The cell's own bytes when new: header and fields, its ring and its two reservation arrays. */
    static long initialBytes(int limit) {
        long array = MemoryBudget.align(16 + 8L * Math.min(INITIAL, limit));
        return 64 + 3 * array;
    }

    @Override
    long waitMicros(long now) {
        if (lockedUntil > now) {
            return lockedUntil - now;
        }
        forgetExpired(now);
        int max = limit.numbers.policy.limit();
        if (size + reservations < max) {
            return 0;
        }
        // More failures than the limit only after it was lowered while the agent ran: wait until enough expire.
        return size >= max ? failures[(head + size - max) % failures.length] + limit.numbers.windowMicros - now
                : IN_FLIGHT_WAIT_MICROS;
    }

    @Override
    boolean admit(long now) {
        return reserve(now) != NO_ROOM;
    }

    /**
     * Takes a slot for an attempt (after {@link #waitMicros} said 0).
     *
     * @return the reservation's id, or {@link #NO_ROOM} when the budget refused the memory it needs
     */
    long reserve(long now) {
        int needed = size + reservations + 1;
        // The ring holds every failure and every attempt in flight, which may each become one.
        if (needed > failures.length && !growRing(needed)) {
            return NO_ROOM;
        }
        if (reservations == reservationIds.length && !growReservations()) {
            return NO_ROOM;
        }
        long reservation = ++nextReservation;
        reservationIds[reservations] = reservation;
        reservedUntil[reservations] = now + RateLimiter.RESERVATION_TTL_MICROS;
        reservations++;
        return reservation;
    }

    /** Makes the ring hold {@code needed} (at most the limit), charging the budget; false when it refuses. */
    private boolean growRing(int needed) {
        int length = Math.min(limit.numbers.policy.limit(), Math.max(needed, failures.length * 2));
        if (length <= failures.length) {
            return true;
        }
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

    private boolean growReservations() {
        // At most limit of them: waitMicros admits no more.
        int length = Math.min(limit.numbers.policy.limit(), reservationIds.length * 2);
        long more = 2 * 8L * (length - reservationIds.length);
        if (!limit.budget.reserve(limit, more, 0)) {
            return false;
        }
        reservationIds = Arrays.copyOf(reservationIds, length);
        reservedUntil = Arrays.copyOf(reservedUntil, length);
        bytes += more;
        return true;
    }

    /**
     * Ends an attempt: gives back its reservation (unless it expired) and counts its outcome.
     *
     * @param reservation what {@link #reserve} returned; 0 for an attempt whose reservation was in a cell since dropped
     * @param thrown      what the call threw, or null when it returned
     * @param cancelled   whether it ended without an outcome (cancelled, abandoned, or never run because another limit
     *                    of its method refused): nothing but the slot is given back
     */
    void settle(long reservation, Throwable thrown, boolean cancelled, long now) {
        forgetExpired(now);
        boolean found = false;
        for (int i = 0; i < reservations; i++) {
            if (reservationIds[i] == reservation) {
                removeReservation(i);
                found = true;
                break;
            }
        }
        if (cancelled) {
            return;
        }
        MemoryLimit.Numbers n = limit.numbers;
        RateLimitPolicy p = n.policy;
        // Not found: it expired and was counted as a failure then; 0: its cell was dropped, so it was never counted.
        if (thrown != null && p.countsAsFailure(thrown) && (found || reservation == 0)) {
            forgetExpired(now);
            if (size + reservations >= failures.length) {
                growRing(size + reservations + 1);
            }
            if (size >= failures.length) {
                // Only a late failure (its reservation expired or its cell was dropped) finds the ring full, when the
                // budget refuses it more, or when the limit was lowered below the ring: keep the newest failures.
                head = (head + 1) % failures.length;
                size--;
            }
            failures[(head + size) % failures.length] = now;
            size++;
            if (size >= p.limit() && p.hasLockout()) {
                lockedUntil = now + n.lockoutMicros;
                // The lock replaces the failures that caused it: after it ends, the key starts afresh.
                size = 0;
            }
        } else if (thrown == null && p.resetOnSuccess()) {
            size = 0;
        }
    }

    @Override
    RateLimitedException refusal(long now) {
        MemoryLimit.Numbers n = limit.numbers;
        RateLimitPolicy p = n.policy;
        long wait = waitMicros(now);
        if (lockedUntil > now) {
            return new LockedOutException(p.name(), p.limit(), p.window(), p.lockout(),
                    RateLimitPolicy.fromMicros(wait));
        }
        return new RateLimitedException(p.name(), p.limit(), 0, p.window(), RateLimitPolicy.fromMicros(wait),
                RateLimitPolicy.fromMicros(size == 0 ? wait : newest() + n.windowMicros - now));
    }

    @Override
    boolean idle(long now) {
        forgetExpired(now);
        return reservations == 0 && size == 0 && lockedUntil <= now;
    }

    /** The call holding {@code reservation} still runs: its slot is kept until {@code until} at least. */
    void extend(long reservation, long until) {
        for (int i = 0; i < reservations; i++) {
            if (reservationIds[i] == reservation) {
                reservedUntil[i] = Math.max(reservedUntil[i], until);
                return;
            }
        }
    }

    private void forgetExpired(long now) {
        boolean expired = false;
        for (int i = reservations - 1; i >= 0; i--) {
            if (reservedUntil[i] <= now) {
                // Abandoned: a failure, when it expired. The ring has room: the reservation's slot becomes its failure.
                long at = reservedUntil[i];
                removeReservation(i);
                insertFailure(at);
                expired = true;
            }
        }
        MemoryLimit.Numbers n = limit.numbers;
        long window = n.windowMicros;
        while (size > 0 && failures[head] <= now - window) {
            head = (head + 1) % failures.length;
            size--;
        }
        if (expired && size >= n.policy.limit() && n.policy.hasLockout()) {
            lockedUntil = Math.max(lockedUntil, newest() + n.lockoutMicros);
            size = 0;
        }
    }

    /** Puts a failure at {@code at} in time order (the ring has room for it, or grows to the limit for it). */
    private void insertFailure(long at) {
        if (size >= failures.length) {
            growRing(size + 1);
        }
        long[] ordered = new long[failures.length];
        int n = 0;
        boolean placed = false;
        for (int i = 0; i < size; i++) {
            long t = failures[(head + i) % failures.length];
            if (!placed && at < t) {
                ordered[n++] = at;
                placed = true;
            }
            if (n < ordered.length) {
                ordered[n++] = t;
            }
        }
        if (!placed && n < ordered.length) {
            ordered[n++] = at;
        }
        failures = ordered;
        head = 0;
        size = n;
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
