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
    void aCellWithACallInFlightIsKeptUntilItsReservationExpires() {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100, false);
        RateLimiter.Limit login = memory.limit(failures("login", 1, "1h", "", false));
        Object inFlight = call(memory, login, "alice");
        clock.advance(Duration.ofSeconds(59));
        assertEquals(0, memory.sweep());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(1, memory.sweep(), "the reservation expired: the cell holds nothing");
        // The call ends after all: its failure is counted in a fresh cell.
        memory.settle(inFlight, new RuntimeException());
        assertThrows(RateLimitedException.class, () -> call(memory, login, "alice"));
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
        assertEquals(1, logged.split("rate-limit table is full", -1).length - 1, "logged once per transition: " + logged);
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
        String compact = InMemoryRateLimiter.compact(big);
        assertEquals(65, compact.length());
        assertTrue(compact.startsWith("#"));
        assertTrue(!compact.equals(InMemoryRateLimiter.compact(big + "y")));
        assertEquals("5:alice", InMemoryRateLimiter.compact("5:alice"));
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100, false);
        RateLimiter.Limit api = memory.limit(calls("api", 1, "1h"));
        call(memory, api, big);
        assertThrows(RateLimitedException.class, () -> call(memory, api, big));
        call(memory, api, big + "y");
    }
}
