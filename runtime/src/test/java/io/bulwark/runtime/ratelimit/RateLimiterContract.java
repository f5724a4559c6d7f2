package io.bulwark.runtime.ratelimit;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static io.bulwark.runtime.ratelimit.Policies.failures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The semantics every rate-limit engine must have, run against each engine with a clock the test controls.
 * Policy names are unique per test so that engines with shared state (Redis) start clean.
 */
public abstract class RateLimiterContract {

    protected ManualClock clock;
    protected RateLimiter limiter;
    private String prefix;

    /** An engine reading {@code clock}. */
    protected abstract RateLimiter newLimiter(ManualClock clock);

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        limiter = newLimiter(clock);
        prefix = getClass().getSimpleName() + "-" + System.nanoTime() + "-";
    }

    @AfterEach
    void tearDown() throws Exception {
        if (limiter instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private RateLimiter.Limit limit(RateLimitPolicy p) {
        return limiter.limit(p.withName(prefix + p.name()));
    }

    private Object call(RateLimiter.Limit limit, String key) {
        return limiter.acquire(new RateLimiter.Limit[] {limit}, new String[] {key});
    }

    private void fail(RateLimiter.Limit limit, String key) {
        limiter.settle(call(limit, key), new IllegalArgumentException("wrong password"));
    }

    private void succeed(RateLimiter.Limit limit, String key) {
        limiter.settle(call(limit, key), null);
    }

    @Test
    void burstOfLimitIsAdmittedAndTheNextCallIsRefusedWithRetryAfter() {
        RateLimiter.Limit api = limit(calls("api", 5, "1m"));
        for (int i = 0; i < 5; i++) {
            call(api, "alice");
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(api, "alice"));
        assertEquals(5, refused.limit());
        assertEquals(0, refused.remaining());
        assertEquals(Duration.ofSeconds(12), refused.retryAfter());
        assertEquals(Duration.ofMinutes(1), refused.resetAfter());
        assertTrue(refused.policy().endsWith("api"));
    }

    @Test
    void oneCallIsAdmittedPerEmissionIntervalAfterTheBurst() {
        RateLimiter.Limit api = limit(calls("api", 5, "1m"));
        for (int i = 0; i < 5; i++) {
            call(api, "alice");
        }
        clock.advance(Duration.ofSeconds(12).minusNanos(1_000));
        assertThrows(RateLimitedException.class, () -> call(api, "alice"));
        clock.advance(Duration.ofNanos(1_000));
        call(api, "alice");
        assertThrows(RateLimitedException.class, () -> call(api, "alice"));
    }

    @Test
    void aFullWindowLaterTheWholeBurstIsBack() {
        RateLimiter.Limit api = limit(calls("api", 3, "30s"));
        for (int i = 0; i < 3; i++) {
            call(api, "k");
        }
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            call(api, "k");
        }
        assertThrows(RateLimitedException.class, () -> call(api, "k"));
    }

    @Test
    void keysHaveTheirOwnCounters() {
        RateLimiter.Limit api = limit(calls("api", 1, "1h"));
        call(api, "alice");
        call(api, "bob");
        assertThrows(RateLimitedException.class, () -> call(api, "alice"));
    }

    @Test
    void aLimitThatDoesNotDivideTheWindowStillAdmitsExactlyTheLimit() {
        RateLimiter.Limit odd = limit(calls("odd", 3_000, "1s"));
        for (int i = 0; i < 3_000; i++) {
            call(odd, "k");
        }
        assertThrows(RateLimitedException.class, () -> call(odd, "k"));
    }

    @Test
    void slidingWindowAdmitsTheLimitThenWaitsForThePreviousWindowToSlideOut() {
        RateLimiter.Limit api = limit(Policies.window("api", 5, "1m"));
        clock.alignTo(Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            call(api, "alice");
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(api, "alice"));
        // Into the next window far enough that 5 * (1 - elapsed / 60 s) + 1 <= 5: elapsed >= 12 s.
        assertEquals(Duration.ofSeconds(72), refused.retryAfter());
        assertEquals(Duration.ofMinutes(2), refused.resetAfter());
        clock.advance(Duration.ofSeconds(72).minusNanos(1_000));
        assertThrows(RateLimitedException.class, () -> call(api, "alice"));
        clock.advance(Duration.ofNanos(1_000));
        call(api, "alice");
        assertThrows(RateLimitedException.class, () -> call(api, "alice"));
        call(api, "bob");
    }

    @Test
    void slidingWindowWeighsThePreviousWindowByItsOverlap() {
        RateLimiter.Limit api = limit(Policies.window("api", 4, "10s"));
        clock.alignTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            call(api, "k");
        }
        // Next window, halfway: the previous 4 weigh 2, so two more fit.
        clock.advance(Duration.ofSeconds(10));
        call(api, "k");
        call(api, "k");
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(api, "k"));
        // Wait for 4 * (1 - e / 10 s) + 2 + 1 <= 4, i.e. e >= 7.5 s: 2.5 s from now.
        assertEquals(Duration.ofMillis(2_500), refused.retryAfter());
        clock.advance(Duration.ofMillis(2_500));
        call(api, "k");
    }

    @Test
    void slidingWindowForgetsAWindowThatIsTwoWindowsOld() {
        RateLimiter.Limit api = limit(Policies.window("api", 2, "10s"));
        clock.alignTo(Duration.ofSeconds(10));
        call(api, "k");
        call(api, "k");
        clock.advance(Duration.ofSeconds(20));
        call(api, "k");
        call(api, "k");
        assertThrows(RateLimitedException.class, () -> call(api, "k"));
    }

    @Test
    void sixtyFourThreadsNeverGetMoreThanTheLimitFromASlidingWindow() throws Exception {
        RateLimiter.Limit api = limit(Policies.window("api", 100, "1h"));
        clock.alignTo(Duration.ofHours(1));
        assertEquals(100, hammer(64, 20, () -> call(api, "hot")));
    }

    @Test
    void lockoutDeniesTheSixthAttemptAfterFiveFailuresWithinTheWindow() {
        RateLimiter.Limit login = limit(failures("login", 5, "5m", "15m", false));
        for (int i = 0; i < 5; i++) {
            fail(login, "alice@example.com");
            clock.advance(Duration.ofSeconds(30));
        }
        LockedOutException locked = assertThrows(LockedOutException.class, () -> call(login, "alice@example.com"));
        assertEquals(Duration.ofMinutes(15).minusSeconds(30), locked.retryAfter());
        assertEquals(Duration.ofMinutes(15), locked.lockout());
        call(login, "bob@example.com");
    }

    @Test
    void lockoutEndsAfterItsDurationAndTheKeyStartsAfresh() {
        RateLimiter.Limit login = limit(failures("login", 3, "5m", "15m", false));
        for (int i = 0; i < 3; i++) {
            fail(login, "alice");
        }
        clock.advance(Duration.ofMinutes(15).minusNanos(1_000));
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
        clock.advance(Duration.ofNanos(1_000));
        fail(login, "alice");
        fail(login, "alice");
        succeed(login, "alice");
        fail(login, "alice");
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        RateLimiter.Limit login = limit(failures("login", 3, "5m", "15m", false));
        fail(login, "alice");
        fail(login, "alice");
        clock.advance(Duration.ofMinutes(5));
        fail(login, "alice");
        fail(login, "alice");
        succeed(login, "alice");
    }

    @Test
    void successResetsFailuresWhenAsked() {
        RateLimiter.Limit login = limit(failures("login", 3, "5m", "15m", true));
        fail(login, "alice");
        fail(login, "alice");
        succeed(login, "alice");
        fail(login, "alice");
        fail(login, "alice");
        succeed(login, "alice");
    }

    @Test
    void successKeepsFailuresWhenNotAsked() {
        RateLimiter.Limit login = limit(failures("login", 3, "5m", "15m", false));
        fail(login, "alice");
        fail(login, "alice");
        succeed(login, "alice");
        fail(login, "alice");
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    @Test
    void onlyTheListedExceptionsCountAsFailures() {
        RateLimiter.Limit login = limit(failures("login", 2, "5m", "15m", false, "java.lang.SecurityException"));
        for (int i = 0; i < 5; i++) {
            limiter.settle(call(login, "alice"), new IllegalStateException("database hiccup"));
        }
        limiter.settle(call(login, "alice"), new SecurityException("bad password"));
        limiter.settle(call(login, "alice"), new SecurityException("bad password") { });
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    @Test
    void withoutLockoutFailuresRefuseUntilTheOldestLeavesTheWindow() {
        RateLimiter.Limit guesses = limit(failures("guesses", 2, "1m", "", false));
        fail(guesses, "k");
        clock.advance(Duration.ofSeconds(20));
        fail(guesses, "k");
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(guesses, "k"));
        assertEquals(Duration.ofSeconds(40), refused.retryAfter());
        clock.advance(Duration.ofSeconds(40));
        call(guesses, "k");
    }

    @Test
    void attemptsInFlightHoldTheirSlotsSoConcurrentAttemptsCannotPassTheLimit() {
        RateLimiter.Limit login = limit(failures("login", 2, "5m", "15m", false));
        Object first = call(login, "alice");
        Object second = call(login, "alice");
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(login, "alice"));
        assertTrue(!(refused instanceof LockedOutException), "not locked yet, only busy");
        limiter.settle(first, null);
        Object third = call(login, "alice");
        limiter.settle(second, new RuntimeException());
        limiter.settle(third, new RuntimeException());
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    @Test
    void aCancelledAttemptGivesBackItsSlotAndCountsNeitherWay() {
        RateLimiter.Limit login = limit(failures("login", 2, "5m", "15m", true));
        fail(login, "alice");
        Object cancelled = call(login, "alice");
        assertThrows(RateLimitedException.class, () -> call(login, "alice"), "both slots taken");
        limiter.release(cancelled);
        // Not a success: the failure before it stands (resetOnSuccess would have cleared it).
        fail(login, "alice");
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    /**
     * A call abandoned for good (an asynchronous call whose future nobody completes; a JVM that died): nothing extends
     * its reservation, which frees its slot when it expires and counts as a failure.
     */
    @Test
    void aReservationThatExpiresUnsettledCountsAsAFailure() {
        RateLimiter.Limit login = limit(failures("login", 3, "5m", "15m", false));
        call(login, "alice");
        clock.advance(Duration.ofNanos(RateLimiter.RESERVATION_TTL_MICROS * 1_000 + 1_000));
        sweep();
        fail(login, "alice");
        fail(login, "alice");
        assertThrows(LockedOutException.class, () -> call(login, "alice"), "the expired reservation was the third");
    }

    /** The abandoned call ends after all, failing: it was counted when its reservation expired, not twice. */
    @Test
    void aSettleAfterItsReservationExpiredCountsNothingMore() {
        RateLimiter.Limit login = limit(failures("login", 3, "5m", "15m", false));
        Object late = call(login, "alice");
        clock.advance(Duration.ofNanos(RateLimiter.RESERVATION_TTL_MICROS * 1_000 + 1_000));
        sweep();
        limiter.settle(late, new IllegalArgumentException("wrong password, a minute late"));
        fail(login, "alice");
        Object third = call(login, "alice");
        limiter.settle(third, new IllegalArgumentException("wrong password"));
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    /** A call that runs longer than a reservation's time to live keeps its slot: the limit holds however slow it is. */
    @Test
    void aRunningCallsReservationIsExtendedForAsLongAsItRuns() {
        RateLimiter.Limit login = limit(failures("login", 1, "5m", "15m", false));
        Object slow = call(login, "alice");
        Duration twoThirds = Duration.ofNanos(RateLimiter.RESERVATION_TTL_MICROS * 1_000 * 2 / 3);
        for (int i = 0; i < 3; i++) {
            clock.advance(twoThirds);
            extendRunningReservations();
        }
        sweep();
        RateLimitedException busy = assertThrows(RateLimitedException.class, () -> call(login, "alice"));
        assertTrue(!(busy instanceof LockedOutException), "busy, not locked: " + busy);
        limiter.settle(slow, null);
        succeed(login, "alice");
    }

    /** What the engine's timer does every third of a reservation's time to live. */
    protected abstract void extendRunningReservations();

    private void sweep() {
        if (limiter instanceof InMemoryRateLimiter memory) {
            memory.sweep();
        }
    }

    @Test
    void severalLimitsAreAllOrNothing() {
        RateLimiter.Limit perUser = limit(calls("per-user", 2, "1m"));
        RateLimiter.Limit perOrg = limit(calls("per-org", 3, "1m"));
        RateLimiter.Limit[] both = {perUser, perOrg};
        limiter.acquire(both, new String[] {"alice", "acme"});
        limiter.acquire(both, new String[] {"alice", "acme"});
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.acquire(both, new String[] {"alice", "acme"}));
        assertTrue(refused.policy().endsWith("per-user"));
        // The refused calls took nothing from the org's budget: one is left for another user.
        limiter.acquire(both, new String[] {"bob", "acme"});
        RateLimitedException orgSpent = assertThrows(RateLimitedException.class,
                () -> limiter.acquire(both, new String[] {"carol", "acme"}));
        assertTrue(orgSpent.policy().endsWith("per-org"));
    }

    /**
     * The refusing limit comes second: whatever the first took (on a cluster, in another slot, in another script run)
     * is given back, whichever way it counts.
     */
    @Test
    void aRefusalByTheSecondLimitGivesBackWhatTheFirstTook() {
        RateLimiter.Limit perUser = limit(calls("gcra-user", 2, "1h"));
        RateLimiter.Limit perUserWindow = limit(Policies.window("window-user", 2, "1h"));
        RateLimiter.Limit login = limit(failures("login-user", 2, "1h", "1h", false));
        RateLimiter.Limit perOrg = limit(calls("org", 1, "1h"));
        RateLimiter.Limit[] all = {perUser, perUserWindow, login, perOrg};
        limiter.settle(limiter.acquire(all, new String[] {"alice", "alice", "alice", "acme"}), null);
        for (int i = 0; i < 5; i++) {
            RateLimitedException refused = assertThrows(RateLimitedException.class,
                    () -> limiter.acquire(all, new String[] {"alice", "alice", "alice", "acme"}));
            assertTrue(refused.policy().endsWith("org"), refused.policy());
        }
        // Alice's limits lost nothing to the five refusals: exactly one more call each.
        limiter.settle(limiter.acquire(new RateLimiter.Limit[] {perUser, perUserWindow, login},
                new String[] {"alice", "alice", "alice"}), null);
        limiter.settle(limiter.acquire(new RateLimiter.Limit[] {login}, new String[] {"alice"}), null);
        assertThrows(RateLimitedException.class, () -> call(perUser, "alice"));
        assertThrows(RateLimitedException.class, () -> call(perUserWindow, "alice"));
    }

    /**
     * Many threads on a method with a per-user and a per-organisation limit: exactly what the binding limit allows,
     * and the users refused by the organisation's limit keep their own quota.
     */
    @Test
    void sixtyFourThreadsOnTwoLimitsGetExactlyTheBindingLimit() throws Exception {
        RateLimiter.Limit perUser = limit(calls("user", 10, "1h"));
        RateLimiter.Limit perOrg = limit(calls("org", 25, "1h"));
        RateLimiter.Limit[] both = {perUser, perOrg};
        AtomicInteger next = new AtomicInteger();
        int admitted = hammer(64, 10, () -> limiter.acquire(both, new String[] {"user-" + next.incrementAndGet() % 4,
                "acme"}));
        assertEquals(25, admitted);
        // On a cluster, a user's limit (in another slot) may have refused while concurrent calls held quota they then
        // gave back; such a refusal is remembered locally for a second at most (DenyCache), 1/360 of an emission here.
        clock.advance(Duration.ofMillis(1_001));
        // 25 calls spread over 4 users took 25 of their 40: another organisation's calls get the rest.
        int more = 0;
        for (int u = 0; u < 4; u++) {
            for (int i = 0; i < 10; i++) {
                try {
                    limiter.acquire(both, new String[] {"user-" + u, "other"});
                    more++;
                } catch (RateLimitedException e) {
                    // that user's quota is spent
                }
            }
        }
        assertEquals(15, more, "4 users x 10 - 25 admitted, whatever the refusals by the organisation's limit");
    }

    @Test
    void aRefusalFromALockoutReleasesTheQuotaOfTheOtherLimit() {
        RateLimiter.Limit login = limit(failures("login", 1, "5m", "15m", false));
        RateLimiter.Limit perIp = limit(calls("per-ip", 2, "1h"));
        RateLimiter.Limit[] both = {login, perIp};
        limiter.settle(limiter.acquire(both, new String[] {"alice", "10.0.0.1"}), new RuntimeException());
        for (int i = 0; i < 3; i++) {
            assertThrows(LockedOutException.class, () -> limiter.acquire(both, new String[] {"alice", "10.0.0.1"}));
        }
        Object token = limiter.acquire(both, new String[] {"bob", "10.0.0.1"});
        assertNotNull(token);
        limiter.settle(token, null);
    }

    @Test
    void sixtyFourThreadsNeverGetMoreThanTheLimit() throws Exception {
        RateLimiter.Limit api = limit(calls("api", 100, "1h"));
        assertEquals(100, hammer(64, 20, () -> call(api, "hot")));
    }

    @Test
    void sixtyFourThreadsOfWrongPasswordsGetExactlyTheLimitOfTries() throws Exception {
        RateLimiter.Limit login = limit(failures("login", 5, "5m", "15m", false));
        int admitted = hammer(64, 4, () -> fail(login, "alice"));
        assertEquals(5, admitted);
        assertThrows(LockedOutException.class, () -> call(login, "alice"));
    }

    /** Runs {@code calls} per thread from {@code threads} threads at once; returns how many were admitted. */
    protected static int hammer(int threads, int calls, Runnable call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        try {
                            call.run();
                            admitted.incrementAndGet();
                        } catch (RateLimitedException refused) {
                            // counted by what was admitted
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return admitted.get();
    }
}
