package io.bulwark.runtime.monitor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a flood of decisions from swamping a JFR recording: per policy of a method, at most {@link #PER_SECOND}
 * admissions and as many refusals are recorded each second; the rest are counted, and the next one recorded carries
 * that count ({@code suppressed}), so a recording still adds up. A refusal flood (an attacker's, at millions a second
 * from the deny cache) then costs a recording 100 events a second, not millions. Used only while a recording has the
 * event enabled.
 */
public final class JfrThrottle {

    static final int PER_SECOND = 100;

    private final Window admissions = new Window();
    private final Window refusals = new Window();

    /**
     * @return -1 when this decision is not to be recorded, else how many of its kind were not recorded before it
     */
    public long admit(boolean admitted) {
        return (admitted ? admissions : refusals).admit(System.nanoTime());
    }

    private static final class Window {
        private volatile long second = Long.MIN_VALUE;
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicLong dropped = new AtomicLong();

        long admit(long nowNanos) {
            long now = nowNanos / 1_000_000_000L;
            if (now != second) {
                synchronized (this) {
                    if (now != second) {
                        second = now;
                        count.set(0);
                    }
                }
            }
            if (count.incrementAndGet() > PER_SECOND) {
                dropped.incrementAndGet();
                return -1;
            }
            return dropped.getAndSet(0);
        }
    }
}
