package io.bulwark.runtime.monitor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a flood of decisions from swamping a JFR recording: per policy of a method, at most {@link #PER_SECOND}
 * admissions and as many refusals are recorded in any window of a second; the rest are counted, and the next one
 * recorded carries that count ({@code suppressed}), so a recording still adds up. A refusal flood (an attacker's, at
 * millions a second from the deny cache) costs a recording 100 events a second, not millions. Used only while a
 * recording has the event enabled.
 *
 * <p>A decision left out costs one atomic increment: the clock is read only on the first decision past the budget and
 * on every 64th after it (so a window can last a little longer than a second under a flood, recording fewer, never
 * more). Measured on the woven call with a recording on (benchmarks/README.md, "Monitoring"): a clock read and two
 * atomics per decision, as first written, cost about 40 ns a call.
 */
public final class JfrThrottle {

    static final int PER_SECOND = 100;
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final int CLOCK_EVERY = 64;

    private final Window admissions = new Window();
    private final Window refusals = new Window();

    /**
     * @return -1 when this decision is not to be recorded, else how many of its kind were not recorded before it
     */
    public long admit(boolean admitted) {
        return (admitted ? admissions : refusals).admit();
    }

    private static final class Window {
        private final AtomicInteger count = new AtomicInteger();
        /** Left out in windows gone by, not yet carried by a recorded decision. */
        private final AtomicLong carried = new AtomicLong();
        private volatile long start = System.nanoTime();

        long admit() {
            int n = count.incrementAndGet();
            if (n <= PER_SECOND) {
                return carried.getAndSet(0);
            }
            if ((n == PER_SECOND + 1 || n % CLOCK_EVERY == 0) && roll()) {
                return admit();
            }
            return -1;
        }

        /** Starts a new window if this one is over; true when it did. */
        private synchronized boolean roll() {
            long now = System.nanoTime();
            if (now - start < WINDOW_NANOS) {
                return false;
            }
            start = now;
            int counted = count.getAndSet(0);
            // The decision that found the window over is counted again in the next one: not among those left out.
            carried.addAndGet(Math.max(0, counted - 1 - PER_SECOND));
            return true;
        }
    }
}
