package io.bulwark.benchmarks;

import io.bulwark.RateLimited;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One admitted call of a rate-limited method, in memory, beside the local peers: Bulwark's woven call (this class is
 * compiled with the processor and run with the agent attached to the JMH fork, see {@link InMemoryReport}),
 * Resilience4j's {@code AtomicRateLimiter} (what {@code @RateLimiter} calls) and Bucket4j's local lock-free bucket.
 * "global": one limit for every call; "keyed": one limit per user, 1,024 users, each thread walking them in turn.
 * Limits are never reached: about 2^31 calls an hour (Bulwark's GCRA then holds a theoretical arrival time that runs
 * ahead of the clock, as a busy key does), and the peers' equivalents.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InMemoryCallBenchmark {

    static final int USERS = 1024;
    static final int LIMIT = Integer.MAX_VALUE;
    static final Duration WINDOW = Duration.ofHours(1);

    @State(Scope.Benchmark)
    public static class Users {
        final String[] names = new String[USERS];

        public Users() {
            for (int i = 0; i < USERS; i++) {
                names[i] = "user-" + i;
            }
        }
    }

    /** Each thread's place among the users, starting apart. */
    @State(Scope.Thread)
    public static class Cursor {
        private static int threads;
        int next = 517 * threadNumber();

        private static synchronized int threadNumber() {
            return threads++;
        }

        int next() {
            return next++ & (USERS - 1);
        }
    }

    @State(Scope.Benchmark)
    public static class Peers {
        final RateLimiterConfig r4jConfig = RateLimiterConfig.custom().limitForPeriod(LIMIT)
                .limitRefreshPeriod(WINDOW).timeoutDuration(Duration.ZERO).build();
        final RateLimiter r4j = RateLimiter.of("global", r4jConfig);
        final ConcurrentHashMap<String, RateLimiter> r4jUsers = new ConcurrentHashMap<>();
        final Bucket bucket = bucket();
        final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

        static Bucket bucket() {
            return Bucket.builder().addLimit(Bandwidth.builder().capacity(LIMIT).refillGreedy(LIMIT, WINDOW).build())
                    .build();
        }

        RateLimiter r4j(String user) {
            RateLimiter limiter = r4jUsers.get(user);
            return limiter != null ? limiter : r4jUsers.computeIfAbsent(user, u -> RateLimiter.of(u, r4jConfig));
        }

        Bucket bucket(String user) {
            Bucket b = buckets.get(user);
            return b != null ? b : buckets.computeIfAbsent(user, u -> bucket());
        }
    }

    @RateLimited(name = "bench-global", limit = LIMIT, window = "1h")
    static int guardedGlobal(int x) {
        return x + 1;
    }

    @RateLimited(name = "bench-keyed", limit = LIMIT, window = "1h", key = "{user}")
    static int guardedKeyed(String user, int x) {
        return x + 1;
    }

    static int plain(int x) {
        return x + 1;
    }

    @Benchmark
    public int bareCall(Cursor c) {
        return plain(c.next);
    }

    /** The clock every limiter here reads once a call: the floor under all of them. */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public int bulwarkGlobal(Cursor c) {
        return guardedGlobal(c.next);
    }

    @Benchmark
    public int bulwarkKeyed(Users u, Cursor c) {
        return guardedKeyed(u.names[c.next()], c.next);
    }

    @Benchmark
    public int resilience4jGlobal(Peers p, Cursor c) {
        if (!p.r4j.acquirePermission()) {
            throw RequestNotPermitted.createRequestNotPermitted(p.r4j);
        }
        return plain(c.next);
    }

    @Benchmark
    public int resilience4jKeyed(Peers p, Users u, Cursor c) {
        RateLimiter limiter = p.r4j(u.names[c.next()]);
        if (!limiter.acquirePermission()) {
            throw RequestNotPermitted.createRequestNotPermitted(limiter);
        }
        return plain(c.next);
    }

    @Benchmark
    public int bucket4jGlobal(Peers p, Cursor c) {
        if (!p.bucket.tryConsume(1)) {
            throw new IllegalStateException("refused");
        }
        return plain(c.next);
    }

    @Benchmark
    public int bucket4jKeyed(Peers p, Users u, Cursor c) {
        if (!p.bucket(u.names[c.next()]).tryConsume(1)) {
            throw new IllegalStateException("refused");
        }
        return plain(c.next);
    }
}
