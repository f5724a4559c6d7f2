package io.bulwark.runtime.ratelimit;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static io.bulwark.runtime.ratelimit.Policies.failures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.GuardUnavailableException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryRateLimiterTest extends RateLimiterContract {

    private static final int SMALL_TABLE = 3;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    @Override
    protected RateLimiter newLimiter(ManualClock clock) {
        return new InMemoryRateLimiter(clock, 100_000, false);
    }

    @Override
    protected void extendRunningReservations() {
        ((InMemoryRateLimiter) limiter).extendLeases();
    }

    private static Object call(RateLimiter limiter, RateLimiter.Limit limit, String key) {
        return limiter.acquire(new RateLimiter.Limit[] {limit}, new String[] {key});
    }

    @Test
    void sweepDropsCellsOnceTheyHoldNothing() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100, false);
        RateLimiter.Limit api = memory.limit(calls("api", 2, "1m"));
        RateLimiter.Limit login = memory.limit(failures("login", 2, "1m", "10m", false));
        call(memory, api, "a");
        call(memory, api, "b");
        memory.settle(call(memory, login, "c"), new RuntimeException());
        memory.settle(call(memory, login, "c"), new RuntimeException());
        assertEquals(3, memory.size());
        assertEquals(0, memory.sweep());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(2, memory.sweep(), "both GCRA buckets refilled after window/limit");
        clock.advance(Duration.ofMinutes(10));
        assertEquals(1, memory.sweep(), "the lockout has ended");
        assertEquals(0, memory.size());
    }

    @Test
    void aCellWithACallInFlightIsKeptUntilItsReservationExpiresAsAFailureThatLeavesTheWindow() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100, false);
        RateLimiter.Limit login = memory.limit(failures("login", 1, "1h", "", false));
        Object inFlight = call(memory, login, "alice");
        clock.advance(Duration.ofSeconds(59));
        assertEquals(0, memory.sweep());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, memory.sweep(), "the reservation expired unsettled: now a failure, kept for its window");
        assertThrows(RateLimitedException.class, () -> call(memory, login, "alice"));
        // The call ends after all: it was counted when its reservation expired, and is not counted again.
        memory.settle(inFlight, new RuntimeException());
        clock.advance(Duration.ofHours(1));
        assertEquals(1, memory.sweep(), "the failure left the window: the cell holds nothing");
        memory.settle(call(memory, login, "alice"), null);
    }

    @Test
    void aFullTableRefusesNewKeysButStillServesKnownOnes() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, SMALL_TABLE, false);
        RateLimiter.Limit api = memory.limit(calls("api", 5, "1h"));
        for (int i = 0; i < SMALL_TABLE; i++) {
            call(memory, api, "user" + i);
        }
        GuardUnavailableException e = assertThrows(GuardUnavailableException.class, () -> call(memory, api, "new"));
        assertEquals("guard 'api' refused the call: too many rate-limit keys in use", e.getMessage());
        call(memory, api, "user0");
        assertThrows(GuardUnavailableException.class, () -> call(memory, api, "newer"));
        String logged = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, logged.split("rate-limit table is full", -1).length - 1,
                "logged once per transition: " + logged);
    }

    @Test
    void aFullTableAdmitsUncountedWhenThePolicyFailsOpenButNeverForLockouts() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, SMALL_TABLE, false);
        RateLimiter.Limit open = memory.limit(calls("open", 1, "1h").withStoreFailure(StoreFailure.OPEN));
        RateLimiter.Limit lockout = memory.limit(failures("login", 1, "1h", "1h", false)
                .withStoreFailure(StoreFailure.OPEN));
        for (int i = 0; i < SMALL_TABLE; i++) {
            call(memory, open, "user" + i);
        }
        assertNull(call(memory, open, "new"));
        assertNull(call(memory, open, "new"));
        assertThrows(GuardUnavailableException.class, () -> call(memory, lockout, "new"));
    }

    @Test
    void aFullTableMakesRoomBySweepingIdleCells() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, SMALL_TABLE, false);
        RateLimiter.Limit api = memory.limit(calls("api", 5, "1m"));
        for (int i = 0; i < SMALL_TABLE; i++) {
            call(memory, api, "user" + i);
        }
        clock.advance(Duration.ofMinutes(1));
        call(memory, api, "new");
        assertEquals(1, memory.size());
    }

    @Test
    void hugeKeysAreStoredAsDigestsAndStayDistinct() {
        String big = "x".repeat(1 << 20);
        Object compact = InMemoryRateLimiter.compact(big);
        assertEquals(64, ((InMemoryRateLimiter.Digest) compact).sha256().length());
        assertTrue(!compact.equals(InMemoryRateLimiter.compact(big + "y")));
        assertEquals("5:alice", InMemoryRateLimiter.compact("5:alice"));
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100, false);
        RateLimiter.Limit api = memory.limit(calls("api", 1, "1h"));
        call(memory, api, big);
        assertThrows(RateLimitedException.class, () -> call(memory, api, big));
        call(memory, api, big + "y");
    }

    /**
     * Issue 16: a full table used to answer 503 to every policy. A policy flooded with new keys now fills the common
     * half and its own share, and then only it is refused: another policy still gets its share of new keys.
     */
    @Test
    void aFloodedPolicyIsRefusedNewKeysWhileAnotherStillGetsItsShare() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100, 64L << 20, false);
        RateLimiter.Limit flooded = memory.limit(calls("per-ip", 5, "1h"));
        RateLimiter.Limit login = memory.limit(failures("login", 5, "5m", "15m", false));
        int admitted = 0;
        for (int i = 0; i < 200; i++) {
            try {
                call(memory, flooded, "203.0.113." + i);
                admitted++;
            } catch (GuardUnavailableException e) {
                assertEquals("guard 'per-ip' refused the call: too many rate-limit keys in use", e.getMessage());
            }
        }
        assertEquals(75, admitted, "the common half and its own share of 100 keys");
        for (int i = 0; i < 25; i++) {
            memory.settle(call(memory, login, "user" + i + "@example.com"), null);
        }
        assertThrows(GuardUnavailableException.class, () -> call(memory, login, "one-too-many@example.com"));
        call(memory, flooded, "203.0.113.0");
    }

    /**
     * Issue 16: a failures cell used to allocate {@code long[limit]} up front (8 KB a key at a limit of 1,000), so
     * random keys exhausted the heap long before max-keys. Cells are now sized by use and the memory bound holds.
     */
    @Test
    void failureCellsAreSizedByUseAndTheMemoryBoundHolds() {
        long bound = 1L << 20;
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000_000, bound, false);
        RateLimiter.Limit login = memory.limit(failures("login", 1000, "1h", "1h", false));
        for (int i = 0; i < 2_000; i++) {
            memory.settle(call(memory, login, "user" + i + "@example.com"), new RuntimeException("wrong password"));
        }
        assertEquals(2_000, memory.size());
        assertTrue(memory.memoryUsed() < 2_000 * 300L, "bytes by use: " + memory.memoryUsed());
        for (int i = 0; i < 999; i++) {
            memory.settle(call(memory, login, "user0@example.com"), new RuntimeException());
        }
        assertThrows(RateLimitedException.class, () -> call(memory, login, "user0@example.com"));
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            try {
                memory.settle(call(memory, login, "flood" + i), new RuntimeException());
            } catch (GuardUnavailableException e) {
                refused++;
            }
        }
        assertTrue(refused > 0, "the bound refuses new keys once reached");
        assertTrue(memory.memoryUsed() <= bound, "within max-memory, growth charged too: " + memory.memoryUsed());
        assertThrows(RateLimitedException.class, () -> call(memory, login, "user0@example.com"));
    }

    /** The lock-free GCRA path and the monitors of a method with two limits agree: exactly the limit, never more. */
    @Test
    void aHotKeyUnderManyThreadsAdmitsExactlyTheLimitOnBothPaths() throws Exception {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false);
        RateLimiter.Limit hot = memory.limit(calls("hot", 1_000, "1h"));
        RateLimiter.Limit other = memory.limit(calls("other", 1_000_000, "1h"));
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            boolean both = t % 2 == 0;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    try {
                        if (both) {
                            memory.acquire(new RateLimiter.Limit[] {hot, other}, new String[] {"k", "k"});
                        } else {
                            memory.acquire(hot, "k");
                        }
                        admitted.incrementAndGet();
                    } catch (RateLimitedException e) {
                        // over the limit
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1_000, admitted.get());
    }
}
