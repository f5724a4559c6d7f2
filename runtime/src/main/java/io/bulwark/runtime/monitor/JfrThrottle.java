package io.bulwark.runtime.monitor;

import io.bulwark.internal.ThreadCounts;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a flood of decisions from swamping a JFR recording: per policy of a method, at most {@link #PER_SECOND}
 * admissions and as many refusals are recorded in any window of a second; the rest are counted, and the next one
 * recorded carries that count ({@code suppressed}), so a recording still adds up. A refusal flood (an attacker's, at
 * millions a second from the deny cache) costs a recording 100 events a second, not millions. Used only while a
 * recording has the event enabled.
 *
 * <p>A decision left out costs no atomic instruction: a read of the "budget spent" flag and an add to the deciding
 * thread's own cell ({@link ThreadCounts}); the clock is read on the first decision past the budget and on every 64th
 * a cell counts after it (on every one for a thread that found no cell of its own), so a window can last a little
 * longer than a second under a flood, recording fewer, never more. Measured on the woven call with a recording on
 * (benchmarks/README.md, "Monitoring"): a clock read and two atomics per decision, as first written, cost about 40 ns
 * a call; one atomic increment per decision left out, about 6 ns (+24% on a 31 ns call).
 */
public final class JfrThrottle {

    static final int PER_SECOND = 100;
    private static final long WINDOW_NANOS = 1_000_000_000L;
    private static final int CLOCK_EVERY = 64;
    /** Threads that can count left-out decisions in a cell of their own at once, per policy of a method and kind. */
    private static final int THREADS = 32;

    private final Window admissions = new Window();
    private final Window refusals = new Window();

    /**
     * @return -1 when this decision is not to be recorded, else how many of its kind were not recorded before it
     */
    public long admit(boolean admitted) {
        return (admitted ? admissions : refusals).admit();
    }

    private static final class Window {
        /** Decisions this window asked to be recorded: only while the budget lasts. */
        private final AtomicInteger count = new AtomicInteger();
        /** Set when the budget is spent, cleared when a window starts: past it, nothing atomic is done. */
        private volatile boolean spent;
        private final ThreadCounts leftOut = new ThreadCounts(THREADS);
        /** How many of {@link #leftOut} recorded decisions have carried; guarded by this. */
        private long reported;
        private volatile long start = System.nanoTime();

        long admit() {
            if (!spent) {
                int n = count.incrementAndGet();
                if (n <= PER_SECOND) {
                    return carried();
                }
                if (n == PER_SECOND + 1 && roll()) {
                    return admit();
                }
                // Racing a roll, this may close a window just opened: it then records fewer until the next roll.
                spent = true;
            }
            if ((leftOut.incrementAndGetOwn(0) & (CLOCK_EVERY - 1)) == 0) {
                // This decision stays left out (it is counted): the next one opens the new window.
                roll();
            }
            return -1;
        }

        /** Left out since the last decision recorded; may miss adds still in flight, which the next one carries. */
        private synchronized long carried() {
            long total = leftOut.sum(0);
            long carried = total - reported;
            reported = total;
            return carried;
        }

        /** Starts a new window if this one is over; true when it did. */
        private boolean roll() {
            if (System.nanoTime() - start < WINDOW_NANOS) {
                return false;
            }
            synchronized (this) {
                long now = System.nanoTime();
                if (now - start < WINDOW_NANOS) {
                    return false;
                }
                start = now;
                count.set(0);
                spent = false;
                return true;
            }
        }
    }
}
