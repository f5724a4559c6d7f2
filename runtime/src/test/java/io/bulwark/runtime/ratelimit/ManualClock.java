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
}
