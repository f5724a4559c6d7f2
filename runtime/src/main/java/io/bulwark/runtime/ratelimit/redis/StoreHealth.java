package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.runtime.log.Log;

/**
 * A circuit breaker on the store. While it is down, checks do not try Redis at all (each would wait for the
 * timeout) but follow their failure policy at once; after a back-off one check probes, and its success brings
 * everything back. Each transition is logged once, never each call.
 */
final class StoreHealth {

    enum State { UP, DOWN, PROBING }

    /** Consecutive failures that open the breaker: one lost packet should not. */
    static final int FAILURES_TO_OPEN = 2;
    static final long FIRST_BACKOFF_NANOS = 100_000_000L;
    static final long MAX_BACKOFF_NANOS = 5_000_000_000L;

    private final String store;
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
        recovered();
    }

    private synchronized void recovered() {
        consecutiveFailures = 0;
        if (state != State.UP) {
            state = State.UP;
            backoffNanos = FIRST_BACKOFF_NANOS;
            Log.warn("rate-limit store " + store + " is reachable again: limits are shared again");
        }
    }

    synchronized void failed(String reason) {
        consecutiveFailures++;
        if (state == State.PROBING || consecutiveFailures >= FAILURES_TO_OPEN) {
            if (state == State.UP) {
                Log.error("rate-limit store " + store + " is unavailable (" + reason + "): until it is back, lockouts "
                        + "and CLOSED quotas refuse calls (503), LOCAL quotas count in this JVM, OPEN quotas admit");
            }
            state = State.DOWN;
            retryAtNanos = System.nanoTime() + backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF_NANOS);
        }
    }

    State state() {
        return state;
    }
}
