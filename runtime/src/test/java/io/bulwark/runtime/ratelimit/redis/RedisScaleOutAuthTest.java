package io.bulwark.runtime.ratelimit.redis;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static io.bulwark.runtime.ratelimit.Policies.failures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.testing.RedisCluster;
import io.bulwark.runtime.testing.RedisSecurity;
import io.bulwark.runtime.testing.RedisSentinels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis Cluster and Sentinel deployments that ask for credentials, started here: a cluster with {@code requirepass},
 * a cluster whose only user is an ACL user, and a Sentinel set whose data nodes and Sentinels each ask for their own.
 * The right credentials share limits and lockouts; wrong or missing ones leave lockouts refusing (fail closed), with
 * one clear line in the log that never shows a password.
 */
class RedisScaleOutAuthTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Random, so that finding one in the log cannot be a coincidence of test data. */
    private static final String DATA_PASSWORD = "data-" + UUID.randomUUID();
    private static final String SENTINEL_PASSWORD = "sentinel-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final String prefix = "auth" + System.nanoTime() + "-";

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    @Test
    void aClusterAskingForAPasswordSharesLimitsAndAWrongOneLeavesLockoutsRefusing() {
        try (RedisCluster cluster = RedisCluster.start(RedisSecurity.password(DATA_PASSWORD))) {
            assertShared(cluster.settings(TIMEOUT, 4));
            assertLockoutsRefuse(cluster.settings(null, WRONG_PASSWORD, TIMEOUT, 4), "WRONGPASS");
            assertLockoutsRefuse(cluster.settings(null, null, TIMEOUT, 4), "NOAUTH");
        }
        assertNoPasswordLogged();
    }

    @Test
    void aClusterOfAnAclUserSharesLimitsAndAWrongPasswordLeavesLockoutsRefusing() {
        try (RedisCluster cluster = RedisCluster.start(RedisSecurity.aclUser("bulwark-app", DATA_PASSWORD))) {
            assertShared(cluster.settings(TIMEOUT, 4));
            assertLockoutsRefuse(cluster.settings("bulwark-app", WRONG_PASSWORD, TIMEOUT, 4), "WRONGPASS");
            // The right password for another user: the default user is off.
            assertLockoutsRefuse(cluster.settings(null, DATA_PASSWORD, TIMEOUT, 4), "WRONGPASS");
        }
        assertNoPasswordLogged();
    }

    @Test
    void sentinelsAndDataNodesOfAclUsersEachAskForTheirOwnCredentials() {
        RedisSecurity security = RedisSecurity.aclUser("bulwark-app", DATA_PASSWORD)
                .withSentinelCredentials("bulwark-watch", SENTINEL_PASSWORD);
        try (RedisSentinels sentinels = RedisSentinels.start(security)) {
            assertShared(sentinels.settings(TIMEOUT, 4));
            assertLockoutsRefuse(sentinels.settings("bulwark-app", WRONG_PASSWORD, "bulwark-watch", SENTINEL_PASSWORD,
                    TIMEOUT, 4), "WRONGPASS");
            assertLockoutsRefuse(sentinels.settings("bulwark-app", DATA_PASSWORD, "bulwark-watch", WRONG_PASSWORD,
                    TIMEOUT, 4), "the Sentinels refused");
            // The data nodes' credentials are not the Sentinels'.
            assertLockoutsRefuse(sentinels.settings("bulwark-app", DATA_PASSWORD, null, null, TIMEOUT, 4),
                    "the Sentinels refused");
        }
        assertNoPasswordLogged();
    }

    @Test
    void sentinelsAndDataNodesWithRequirepassEachAskForTheirOwnPassword() {
        RedisSecurity security = RedisSecurity.password(DATA_PASSWORD).withSentinelCredentials(null,
                SENTINEL_PASSWORD);
        try (RedisSentinels sentinels = RedisSentinels.start(security)) {
            assertShared(sentinels.settings(TIMEOUT, 4));
            assertLockoutsRefuse(sentinels.settings(null, DATA_PASSWORD, null, WRONG_PASSWORD, TIMEOUT, 4),
                    "the Sentinels refused");
            assertLockoutsRefuse(sentinels.settings(null, SENTINEL_PASSWORD, null, SENTINEL_PASSWORD, TIMEOUT, 4),
                    "WRONGPASS");
        }
        assertNoPasswordLogged();
    }

    /** Two engines (two instances) share a quota and a lockout through the store {@code settings} name. */
    private void assertShared(RedisSettings settings) {
        try (RedisRateLimiter one = engine(settings); RedisRateLimiter other = engine(settings)) {
            String name = prefix + UUID.randomUUID();
            RateLimiter.Limit quota = one.limit(calls(name, 1, "1m"));
            RateLimiter.Limit sameQuota = other.limit(calls(name, 1, "1m"));
            one.acquire(new RateLimiter.Limit[] {quota}, new String[] {"k"});
            assertThrows(RateLimitedException.class,
                    () -> other.acquire(new RateLimiter.Limit[] {sameQuota}, new String[] {"k"}));
            RateLimiter.Limit login = one.limit(failures(name + "-login", 2, "5m", "15m", false));
            RateLimiter.Limit sameLogin = other.limit(failures(name + "-login", 2, "5m", "15m", false));
            for (int i = 0; i < 2; i++) {
                Object attempt = one.acquire(new RateLimiter.Limit[] {login}, new String[] {"alice"});
                one.settle(attempt, new RuntimeException("wrong password for alice"));
            }
            assertThrows(LockedOutException.class,
                    () -> other.acquire(new RateLimiter.Limit[] {sameLogin}, new String[] {"alice"}));
        }
    }

    /** Every attempt at a lockout and at a CLOSED quota is refused; the log says why, naming {@code reason}. */
    private void assertLockoutsRefuse(RedisSettings settings, String reason) {
        int before = log.size();
        try (RedisRateLimiter engine = engine(settings)) {
            RateLimiter.Limit login = engine.limit(failures(prefix + "login", 2, "5m", "15m", false));
            RateLimiter.Limit quota = engine.limit(calls(prefix + "quota", 100, "1m"));
            for (int i = 0; i < 5; i++) {
                assertThrows(GuardUnavailableException.class,
                        () -> engine.acquire(new RateLimiter.Limit[] {login}, new String[] {"alice"}));
                assertThrows(GuardUnavailableException.class,
                        () -> engine.acquire(new RateLimiter.Limit[] {quota}, new String[] {"k"}));
            }
            assertTrue(engine.describe().contains("(with credentials)") || settings.password() == null,
                    engine.describe());
        }
        String logged = log.toString(StandardCharsets.UTF_8).substring(before);
        List<String> lines = logged.lines().filter(line -> line.contains(" is unavailable (")).toList();
        assertEquals(1, lines.size(), "one line says the store is down:\n" + logged);
        assertTrue(lines.get(0).contains(reason) && lines.get(0).contains("lockouts and CLOSED quotas refuse"),
                "the line says why (" + reason + "):\n" + logged);
    }

    private void assertNoPasswordLogged() {
        String logged = log.toString(StandardCharsets.UTF_8);
        for (String password : List.of(DATA_PASSWORD, SENTINEL_PASSWORD, WRONG_PASSWORD)) {
            assertFalse(logged.contains(password), "a password reached the log:\n" + logged);
        }
    }

    private static RedisRateLimiter engine(RedisSettings settings) {
        return new RedisRateLimiter(settings, new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false));
    }
}
