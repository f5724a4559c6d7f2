package io.bulwark.runtime.ratelimit.redis;

import java.util.List;

/**
 * The reservations a call holds on its failure-counting limits, to extend while it runs and settle when it ends.
 * Compared by identity: {@link io.bulwark.runtime.ratelimit.Leases} tracks each call's own.
 */
final class RedisPermit {

    private final RedisLimit[] limits;
    private final List<String> keys;
    private final long[] ids;

    RedisPermit(RedisLimit[] limits, List<String> keys, long[] ids) {
        this.limits = limits;
        this.keys = keys;
        this.ids = ids;
    }

    RedisLimit[] limits() {
        return limits;
    }

    List<String> keys() {
        return keys;
    }

    long[] ids() {
        return ids;
    }
}
