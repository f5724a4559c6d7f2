package io.bulwark.runtime.ratelimit.redis;

import java.util.List;

/** The reservations a call holds on its failure-counting limits, to settle when it ends. */
record RedisPermit(RedisLimit[] limits, List<String> keys, long[] ids) {
}
