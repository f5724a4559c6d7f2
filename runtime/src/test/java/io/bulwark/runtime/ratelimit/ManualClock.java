package io.bulwark.runtime.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. */
public final class ManualClock implements MicroClock {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Override
    public long micros() {
        return now.get();
    }

    public void advance(Duration d) {
        now.addAndGet(d.toNanos() / 1_000);
    }

    /** Moves to the next instant that is a whole multiple of {@code window}: the start of a fixed window. */
    public void alignTo(Duration window) {
        long w = window.toNanos() / 1_000;
        now.updateAndGet(t -> t % w == 0 ? t : t - t % w + w);
    }
}
