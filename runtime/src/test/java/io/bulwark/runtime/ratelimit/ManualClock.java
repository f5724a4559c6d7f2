package io.bulwark.runtime.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. */
public final class ManualClock implements MicroClock {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private volatile Runnable onMove = () -> { };

    /** Runs {@code r} just before and just after every move (an engine's ticker that is never late). */
    public void onMove(Runnable r) {
        onMove = r;
    }

    @Override
    public long micros() {
        return now.get();
    }

    public void advance(Duration d) {
        onMove.run();
        now.addAndGet(d.toNanos() / 1_000);
        onMove.run();
    }

    /** Moves to the next instant that is a whole multiple of {@code window}: the start of a fixed window. */
    public void alignTo(Duration window) {
        long w = window.toNanos() / 1_000;
        onMove.run();
        now.updateAndGet(t -> t % w == 0 ? t : t - t % w + w);
        onMove.run();
    }
}
