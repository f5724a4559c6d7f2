package io.bulwark.benchmarks;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Set;

/**
 * The CPU time of the in-memory engine's ticker thread ({@code bulwark-ratelimit-clock}) over 20 s of wall time, one
 * call made to start it: what an application pays for GCRA calls that skip the clock, whether or not calls come.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.TickerCost
 * </pre>
 */
public final class TickerCost {

    private TickerCost() {
    }

    public static void main(String[] args) throws Exception {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, true);
        RateLimiter.Limit api = memory.limit(new RateLimitPolicy("api", 100, Duration.ofMinutes(1), "", Count.CALLS,
                Duration.ZERO, Set.of(), false, StoreFailure.CLOSED, Algorithm.GCRA));
        memory.acquire(new RateLimiter.Limit[] {api}, new String[] {"k"});
        Thread.sleep(1_000);
        long id = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("bulwark-ratelimit-clock")) {
                id = t.getId();
            }
        }
        if (id < 0) {
            throw new IllegalStateException("no ticker thread");
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getThreadCpuTime(id);
        long wall = System.nanoTime();
        Thread.sleep(20_000);
        cpu = threads.getThreadCpuTime(id) - cpu;
        wall = System.nanoTime() - wall;
        System.out.printf("ticker thread: %.2f%% of one core (%.1f ms of CPU in %.1f s)%n", 100.0 * cpu / wall,
                cpu / 1e6, wall / 1e9);
    }
}
