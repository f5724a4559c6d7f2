package io.bulwark.runtime.ratelimit;

import io.bulwark.RateLimitedException;

/** {@link Algorithm#SLIDING_WINDOW} for {@code count = CALLS}: two counters per key, under the cell's monitor. */
final class WindowCell extends Cell {

    private long start = Long.MIN_VALUE;
    private long current;
    private long previous;

    WindowCell(long id, MemoryLimit limit, Object key, int generation) {
        super(id, limit, key, generation);
    }

    /** Moves the counters to the window holding {@code now}. */
    private void roll(long now) {
        long window = limit.numbers.windowMicros;
        long nowStart = SlidingWindow.start(now, window);
        if (nowStart != start) {
            previous = nowStart - window == start ? current : 0;
            current = 0;
            start = nowStart;
        }
    }

    @Override
    long waitMicros(long now) {
        roll(now);
        MemoryLimit.Numbers n = limit.numbers;
        return SlidingWindow.wait(now, start, current, previous, n.policy.limit(), n.windowMicros);
    }

    @Override
    boolean admit(long now) {
        roll(now);
        current++;
        return true;
    }

    @Override
    RateLimitedException refusal(long now) {
        MemoryLimit.Numbers n = limit.numbers;
        RateLimitPolicy p = n.policy;
        long wait = waitMicros(now);
        return new RateLimitedException(p.name(), p.limit(), 0, p.window(), RateLimitPolicy.fromMicros(wait),
                RateLimitPolicy.fromMicros(
                        SlidingWindow.resetAfter(now, start, current, previous, n.windowMicros)));
    }

    @Override
    boolean idle(long now) {
        roll(now);
        return current == 0 && previous == 0;
    }
}
