package io.bulwark.runtime.ratelimit.redis;

import static io.bulwark.runtime.ratelimit.Policies.failures;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.LockedOutException;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.testing.RedisCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What {@code lockout reset} does, on a cluster: a policy's three kinds of state for one key lie in different slots
 * (the kind is hashed into the tag), so they are deleted one by one, never with one multi-key DEL (CROSSSLOT).
 */
class RedisClusterResetTest {

    @Test
    void aLockoutOnAClusterIsClearedFromAnotherEngine() {
        try (RedisRateLimiter engine = engine(); RedisRateLimiter admin = engine()) {
            String name = "cluster-reset-" + System.nanoTime();
            RateLimiter.Limit login = engine.limit(failures(name, 2, "5m", "15m", false));
            for (int i = 0; i < 2; i++) {
                engine.settle(engine.acquire(new RateLimiter.Limit[] {login}, new String[] {"alice"}),
                        new RuntimeException("wrong password"));
            }
            assertThrows(LockedOutException.class,
                    () -> engine.acquire(new RateLimiter.Limit[] {login}, new String[] {"alice"}));
            assertTrue(admin.reset(name, "alice"));
            assertFalse(admin.reset(name, "nobody"));
            // The first engine remembered the refusal for up to a second (DenyCache); its own reset forgets it.
            engine.reset(name, "alice");
            engine.settle(engine.acquire(new RateLimiter.Limit[] {login}, new String[] {"alice"}), null);
        }
    }

    private static RedisRateLimiter engine() {
        return new RedisRateLimiter(RedisCluster.shared().settings(Duration.ofSeconds(2), 4),
                new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false));
    }
}
