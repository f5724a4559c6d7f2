package io.bulwark.benchmarks.monitoring;

import io.bulwark.RateLimited;

/**
 * The guarded methods the monitoring benchmark calls, woven by the agent in the benchmark's fork (found by
 * {@code bulwark.scan=annotations} in this package). Limits that no run reaches: every call is admitted.
 */
public final class MonitoredTarget {

    private MonitoredTarget() {
    }

    @RateLimited(name = "monitored-global", limit = 1_000_000_000, window = "1d")
    public static int global(int x) {
        return x + 1;
    }

    @RateLimited(name = "monitored-keyed", limit = 1_000_000_000, window = "1d", key = "{user}")
    public static int keyed(String user, int x) {
        return x + 1;
    }
}
