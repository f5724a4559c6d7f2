package io.bulwark.runtime.ratelimit.redis;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per Redis key, "refused until X" so that a flood against one key is refused locally instead of
 * costing a round trip each. Only refusals are remembered, so it can never admit anything. Entries live at
 * most {@link #MAX_MICROS}: long enough to absorb a flood, short enough that a lockout reset elsewhere is
 * felt within a second.
 */
final class DenyCache {

    static final long MAX_MICROS = 1_000_000;
    static final int MAX_ENTRIES = 100_000;

    /**
     * Refused locally until {@code cachedUntil}; Redis said the refusal lasts until {@code retryUntil}, which is
     * what the caller is told.
     */
    record Denial(RedisLimit limit, long cachedUntil, long retryUntil, long resetUntil, boolean locked) {
    }

    private final ConcurrentHashMap<String, Denial> entries = new ConcurrentHashMap<>();

    Denial find(String key, long now) {
        Denial denial = entries.get(key);
        if (denial == null) {
            return null;
        }
        if (denial.cachedUntil() <= now) {
            entries.remove(key, denial);
            return null;
        }
        return denial;
    }

    void remember(String key, Denial denial, long now) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(d -> d.cachedUntil() <= now);
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        entries.put(key, new Denial(denial.limit(), Math.min(denial.retryUntil(), now + MAX_MICROS),
                denial.retryUntil(), denial.resetUntil(), denial.locked()));
    }

    void forget(String key) {
        entries.remove(key);
    }

    void clear() {
        entries.clear();
    }
}
