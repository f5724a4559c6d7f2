package io.bulwark.runtime.ratelimit;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static io.bulwark.runtime.ratelimit.Policies.failures;
import static io.bulwark.runtime.ratelimit.Policies.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Count;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.rules.DurationSyntax;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The in-memory engine's own count of admitted calls ({@link MemoryLimit#admitted()}), which monitoring reads instead
 * of hearing each admission: exact once the calls are done, whichever path admitted them (an epoch's group, the clock,
 * a lock), whatever became of the cells, and never ahead of the calls while they run.
 */
class AdmittedCountTest {

    private static final int THREADS = 4;
    private static final int CALLS = 30_000;
    private static final int KEYS = 16;

    private static RateLimitPolicy keyed(String name, int limit, String window) {
        return new RateLimitPolicy(name, limit, DurationSyntax.parse(window), "{user}", Count.CALLS, Duration.ZERO,
                Set.of(), false, StoreFailure.CLOSED, Algorithm.GCRA);
    }

    @Test
    void countsAreExactAfterCallsOfSeveralThreadsAcrossEpochsAndPauses() throws Exception {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false);
        RateLimiter.Limit global = memory.limit(calls("count-global", 1_000_000_000, "1d"));
        RateLimiter.Limit perUser = memory.limit(keyed("count-keyed", 1_000_000_000, "1d"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong highest = new AtomicLong();
        List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
        // The ticker, by hand and much faster than once a millisecond: many epochs, each group charged by a later
        // call; every 50th tick a pause, so that calls also read the clock.
        Thread ticker = new Thread(() -> {
            int i = 0;
            while (!done.get()) {
                memory.tick();
                if (++i % 50 == 0) {
                    memory.pauseTicks();
                }
                long read = global.admitted();
                if (read < highest.get()) {
                    problems.add("a read went backwards: " + read + " after " + highest.get());
                }
                highest.set(read);
                Thread.yield();
            }
        });
        ticker.start();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < CALLS; i++) {
                    memory.acquire(global, "");
                    memory.acquire(perUser, "user:u" + ((i + id) % KEYS));
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        done.set(true);
        ticker.join();

        assertEquals(List.of(), problems);
        assertTrue(highest.get() <= THREADS * CALLS, "never ahead of the calls: " + highest.get());
        assertEquals(THREADS * CALLS, global.admitted(), "the global policy, one cell");
        assertEquals(THREADS * CALLS, perUser.admitted(), "the keyed policy, " + KEYS + " cells");
        memory.tick();
        memory.acquire(global, "");
        assertEquals(THREADS * CALLS + 1, global.admitted(), "pending groups charged by a later epoch's call");
    }

    @Test
    void callsPendingInACellStayCountedWhenTheCellIsResetSweptOrStartedAfresh() {
        ManualClock clock = new ManualClock();
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
        RateLimitPolicy policy = calls("count-drop", 100, "1s");
        RateLimiter.Limit limit = memory.limit(policy);
        memory.tick();
        for (int i = 0; i < 10; i++) {
            memory.acquire(limit, "");
        }
        assertEquals(10, limit.admitted(), "pending in the cell, not yet charged");
        assertTrue(memory.reset("count-drop", ""), "the cell is dropped with its pending calls");
        assertEquals(10, limit.admitted());

        memory.tick();
        for (int i = 0; i < 5; i++) {
            memory.acquire(limit, "");
        }
        memory.tick(); // the epoch's ceiling known: the pending calls are placed then, not at the sweep's time
        clock.advance(Duration.ofSeconds(5));
        assertEquals(1, memory.sweep(), "idle: swept after its pending calls are placed in time");
        assertEquals(15, limit.admitted());

        memory.tick();
        memory.acquire(limit, "");
        memory.reconfigure(limit, policy.withAlgorithm(Algorithm.SLIDING_WINDOW));
        assertEquals(16, limit.admitted(), "a new algorithm starts afresh, the count goes on");
        memory.acquire(limit, "");
        assertEquals(17, limit.admitted());
    }

    @Test
    void everyPathCountsWhatItAdmitsAndNothingItRefuses() {
        ManualClock clock = new ManualClock();
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
        RateLimiter.Limit gcra = memory.limit(calls("count-gcra", 5, "1m"));
        RateLimiter.Limit sliding = memory.limit(window("count-window", 5, "1m"));
        RateLimiter.Limit attempts = memory.limit(failures("count-failures", 5, "1m", "", false));
        RateLimiter.Limit both = memory.limit(calls("count-both", 3, "1m"));
        memory.tick();
        for (RateLimiter.Limit limit : List.of(gcra, sliding, attempts)) {
            for (int i = 0; i < 5; i++) {
                Object token = memory.acquire(limit, "");
                memory.settle(token, new IllegalStateException("a failure"));
            }
            assertThrows(RateLimitedException.class, () -> memory.acquire(limit, ""));
            assertEquals(5, limit.admitted(), limit.policy().name());
        }
        RateLimiter.Limit[] pair = {both, memory.limit(calls("count-pair", 100, "1m"))};
        for (int i = 0; i < 4; i++) {
            try {
                memory.acquire(pair, new String[] {"", ""});
            } catch (RateLimitedException refused) {
                assertEquals("count-both", refused.policy());
            }
        }
        assertEquals(3, pair[0].admitted(), "several limits: counted only when all admit");
        assertEquals(3, pair[1].admitted());
    }
}
