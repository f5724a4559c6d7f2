package io.bulwark.runtime.ratelimit;

import io.bulwark.RateLimitedException;

/**
 * GCRA for {@code count = CALLS}: one number, the theoretical arrival time (TAT). Each call pushes the TAT one
 * emission interval ({@code window / limit}) later; a call is admitted while the TAT stays within one
 * capacity ({@code limit} intervals) of now. A full bucket admits {@code limit} calls at once; after that,
 * one per interval.
 */
final class GcraCell extends Cell {

    private long tat;

    GcraCell(long id, MemoryLimit limit) {
        super(id, limit);
    }

    @Override
    long waitMicros(long now) {
        long over = Math.max(tat, now) + limit.emissionMicros - now - limit.capacityMicros;
        return over > 0 ? over : 0;
    }

    @Override
    void admit(long now) {
        tat = Math.max(tat, now) + limit.emissionMicros;
    }

    @Override
    RateLimitedException refusal(long now) {
        RateLimitPolicy p = limit.policy;
        return new RateLimitedException(p.name(), p.limit(), 0, p.window(),
                RateLimitPolicy.fromMicros(waitMicros(now)), RateLimitPolicy.fromMicros(Math.max(0, tat - now)));
    }

    @Override
    boolean idle(long now) {
        return tat <= now;
    }
}
