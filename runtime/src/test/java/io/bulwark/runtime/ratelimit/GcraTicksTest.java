package io.bulwark.runtime.ratelimit;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.RateLimitedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * GCRA's clock-free path ({@link Ticks}, {@link GcraCell}): calls admitted from an epoch's bounds are never more than
 * exact GCRA at their own times admits, however late or early the ticks come; with ticks that are never late the
 * decisions are exactly GCRA's; and the path is taken (the clock is not read).
 */
class GcraTicksTest {

    /** A clock that counts its reads. */
    private static final class CountingClock implements MicroClock {
        final ManualClock clock = new ManualClock();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public long micros() {
            reads.incrementAndGet();
            return clock.micros();
        }
    }

    /** Exact GCRA, one call at a time at the time given. */
    private static final class Gcra {
        final long emission;
        final long capacity;
        long tat;

        Gcra(int limit, long windowMicros) {
            emission = windowMicros / limit;
            capacity = emission * limit;
        }

        boolean admit(long now) {
            long next = Math.max(tat, now) + emission;
            if (next - now > capacity) {
                return false;
            }
            tat = next;
            return true;
        }
    }

    private static boolean call(InMemoryRateLimiter memory, RateLimiter.Limit... limits) {
        String[] keys = new String[limits.length];
        Arrays.fill(keys, "k");
        try {
            memory.acquire(limits, keys);
            return true;
        } catch (RateLimitedException refused) {
            return false;
        }
    }

    @Test
    void admittedCallsDoNotReadTheClockWhileTheTicksBoundThem() {
        CountingClock clock = new CountingClock();
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
        RateLimiter.Limit api = memory.limit(calls("api", 100, "1m"));
        memory.tick();
        int before = clock.reads.get();
        for (int i = 0; i < 100; i++) {
            assertTrue(call(memory, api), "call " + i);
        }
        // One group holds at most GcraCell.MAX_PENDING calls; then one read of the clock places them.
        assertTrue(clock.reads.get() - before <= 100 / GcraCell.MAX_PENDING + 1, clock.reads.get() - before + " reads");
        assertThrows(RateLimitedException.class, () -> memory.acquire(new RateLimiter.Limit[] {api},
                new String[] {"k"}));
    }

    @Test
    void neverAdmitsMoreThanExactGcraHoweverLateOrEarlyTheTicks() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            ManualClock clock = new ManualClock();
            InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
            int limit = seed % 2 == 0 ? 5 : 300;
            RateLimiter.Limit api = memory.limit(calls("api", limit, "1s"));
            RateLimiter.Limit other = memory.limit(calls("other", 1_000, "1s"));
            List<Long> admitted = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int op = random.nextInt(20);
                if (op < 3) {
                    clock.advance(Duration.ofNanos(random.nextInt(limit == 5 ? 150_000 : 4_000) * 1_000L));
                } else if (op < 6) {
                    memory.tick();
                } else if (op == 6) {
                    memory.sweep();
                } else if (op == 8 && random.nextInt(4) == 0) {
                    memory.pauseTicks();
                } else if (op == 7 ? call(memory, api, other) : call(memory, api)) {
                    admitted.add(clock.micros());
                }
            }
            Gcra exact = new Gcra(limit, 1_000_000);
            for (int i = 0; i < admitted.size(); i++) {
                assertTrue(exact.admit(admitted.get(i)), "seed " + seed + ": admitted call " + i + " at "
                        + admitted.get(i) + " is over the limit");
            }
        }
    }

    @Test
    void withTicksThatAreNeverLateEveryDecisionIsExactGcras() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            ManualClock clock = new ManualClock();
            InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
            clock.onMove(memory::tick);
            memory.tick();
            int limit = seed % 2 == 0 ? 5 : 300;
            RateLimiter.Limit api = memory.limit(calls("api", limit, "1s"));
            Gcra exact = new Gcra(limit, 1_000_000);
            for (int i = 0; i < 2_000; i++) {
                int op = random.nextInt(20);
                if (op < 3) {
                    clock.advance(Duration.ofNanos(random.nextInt(limit == 5 ? 150_000 : 4_000) * 1_000L));
                } else if (op < 5) {
                    memory.tick();
                } else if (op == 5) {
                    memory.sweep();
                } else {
                    assertEquals(exact.admit(clock.micros()), call(memory, api), "seed " + seed + ", step " + i);
                }
            }
        }
    }

    @Test
    void aKeyAdmittedWithoutTheClockIsSweptOnceIdle() {
        ManualClock clock = new ManualClock();
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
        clock.onMove(memory::tick);
        memory.tick();
        RateLimiter.Limit api = memory.limit(calls("api", 10, "1m"));
        for (String key : new String[] {"a", "b", "c"}) {
            memory.acquire(new RateLimiter.Limit[] {api}, new String[] {key});
        }
        assertEquals(3, memory.size());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(3, memory.sweep());
        assertEquals(0, memory.size());
    }

    @Test
    void callsAdmittedWithoutTheClockStaySpentWhenTheLimitChanges() {
        ManualClock clock = new ManualClock();
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
        memory.tick();
        RateLimiter.Limit api = memory.limit(calls("api", 2, "10s"));
        assertTrue(call(memory, api));
        assertTrue(call(memory, api));
        // Raised to 100 per 10 s: the two calls were charged 5 s each, filling the bucket; a new one waits.
        memory.reconfigure(api, calls("api", 100, "10s"));
        assertFalse(call(memory, api));
        clock.advance(Duration.ofMillis(100));
        assertTrue(call(memory, api));
    }

    @Test
    void eightThreadsAndARunningTickerGetExactlyTheLimit() throws Exception {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false);
        RateLimiter.Limit hot = memory.limit(calls("hot", 1_000, "1h"));
        RateLimiter.Limit keyed = memory.limit(calls("keyed", 100, "1h"));
        AtomicBoolean done = new AtomicBoolean();
        Thread ticker = new Thread(() -> {
            while (!done.get()) {
                memory.tick();
                Thread.onSpinWait();
            }
        });
        ticker.start();
        try {
            int admitted = RateLimiterContract.hammer(8, 400, () -> memory.acquire(new RateLimiter.Limit[] {hot},
                    new String[] {""}));
            // An hour's window: nothing refills during the run, so exact GCRA admits the burst and no more.
            assertEquals(1_000, admitted);
            AtomicInteger next = new AtomicInteger();
            int keyedAdmitted = RateLimiterContract.hammer(8, 400, () -> memory.acquire(
                    new RateLimiter.Limit[] {keyed}, new String[] {"user-" + (next.getAndIncrement() & 7)}));
            assertEquals(8 * 100, keyedAdmitted);
        } finally {
            done.set(true);
            ticker.join();
        }
    }

    /**
     * A paused ticker (after each burst, Ticks.pause) sends calls to the clock and the first of them wakes it: an idle
     * JVM's ticker sleeps instead of waking each millisecond. Decisions stay exact across the pause.
     */
    @Test
    void aPausedTickerIsWokenByTheNextCallWhichReadsTheClock() throws InterruptedException {
        CountingClock clock = new CountingClock();
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 1_000, false);
        RateLimiter.Limit api = memory.limit(calls("api", 3, "1m"));
        Ticks ticks = memory.ticks();
        AtomicBoolean woken = new AtomicBoolean();
        Thread ticker = new Thread(() -> {
            while (ticks.paused()) {
                java.util.concurrent.locks.LockSupport.park(ticks);
            }
            woken.set(true);
        });
        ticks.ticker(ticker);
        memory.tick();
        assertTrue(call(memory, api));
        memory.pauseTicks();
        assertTrue(ticks.paused());
        assertEquals(0, ticks.word(), "paused: calls take the clock path");
        ticker.start();
        int before = clock.reads.get();
        assertTrue(call(memory, api));
        assertTrue(clock.reads.get() > before, "a call while paused reads the clock");
        ticker.join(10_000);
        assertTrue(woken.get(), "the call woke the ticker");
        assertFalse(ticks.paused());
        memory.tick();
        assertTrue(call(memory, api), "the third of 3");
        assertFalse(call(memory, api), "the pending call of the epoch before the pause still counts");
    }
}
