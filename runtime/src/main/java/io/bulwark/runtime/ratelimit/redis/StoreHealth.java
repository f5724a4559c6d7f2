package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.Monitor;

/**
 * A circuit breaker on the store. While it is down, checks do not try Redis at all (each would wait for the
 * timeout) but follow their failure policy at once; after a back-off one check probes, and its success brings
 * everything back. Each transition is logged once, never each call, and published ({@link Monitor#storeState}) outside
 * the lock.
 */
final class StoreHealth {

    enum State { UP, DOWN, PROBING }

    /** Consecutive failures that open the breaker: one lost packet should not. */
    static final int FAILURES_TO_OPEN = 2;
    static final long FIRST_BACKOFF_NANOS = 100_000_000L;
    static final long MAX_BACKOFF_NANOS = 5_000_000_000L;

    private static final BulwarkStatus.StoreStatus UP = new BulwarkStatus.StoreStatus(Store.REDIS, true, "up");

    private final String store;
    /** Why it went down, for health checks; null while up. */
    private volatile String downReason;
    /** Read without the lock on every check: while Redis is healthy, no check contends for anything here. */
    private volatile State state = State.UP;
    private volatile int consecutiveFailures;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private long retryAtNanos;

    StoreHealth(String store) {
        this.store = store;
    }

    /** Whether this check may go to the store: always while up; once per back-off (the probe) while down. */
    boolean permits() {
        return state == State.UP || probe();
    }

    private synchronized boolean probe() {
        if (state == State.UP) {
            return true;
        }
        if (state == State.DOWN && System.nanoTime() - retryAtNanos >= 0) {
            state = State.PROBING;
            return true;
        }
        return false;
    }

    void succeeded() {
        if (state == State.UP && consecutiveFailures == 0) {
            return;
        }
        if (recovered()) {
            Monitor.storeState(Store.REDIS, true, null);
        }
    }

    /** @return whether the store was down until now */
    private synchronized boolean recovered() {
        consecutiveFailures = 0;
        if (state != State.UP) {
            state = State.UP;
            downReason = null;
            backoffNanos = FIRST_BACKOFF_NANOS;
            Log.warn("rate-limit store " + store + " is reachable again: limits are shared again");
            return true;
        }
        return false;
    }

    void failed(String reason) {
        if (opened(reason)) {
            Monitor.storeState(Store.REDIS, false, reason);
        }
    }

    /** @return whether this failure took the store down */
    private synchronized boolean opened(String reason) {
        consecutiveFailures++;
        boolean opened = false;
        if (state == State.PROBING || consecutiveFailures >= FAILURES_TO_OPEN) {
            if (state == State.UP) {
                Log.error("rate-limit store " + store + " is unavailable (" + reason + "): until it is back, lockouts "
                        + "and CLOSED quotas refuse calls (503), LOCAL quotas count in this JVM, OPEN quotas admit");
                opened = true;
                downReason = reason;
            }
            state = State.DOWN;
            retryAtNanos = System.nanoTime() + backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
        }
        return opened;
    }

    BulwarkStatus.StoreStatus status() {
        if (state == State.UP) {
            return UP;
        }
        String reason = downReason;
        return new BulwarkStatus.StoreStatus(Store.REDIS, false, "down" + (reason == null ? "" : ": " + reason));
    }

    State state() {
        return state;
    }
}
