package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.RedisLoginApp;
import io.bulwark.agent.e2e.apps.TwoLimitApp;
import io.bulwark.runtime.testing.RedisCluster;
import io.bulwark.runtime.testing.RedisSentinels;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs with the agent, 32 threads each, on a method with a per-user (50) and a per-organisation (100) limit: on a
 * Redis Cluster (the two keys in different slots, so two script runs per call) and on a primary found through
 * Sentinel. Exactly the binding limit is admitted, and the calls the organisation's limit refused took nothing from
 * the users' own quotas.
 */
class RedisScaleOutIT {

    @Test
    void twoJvmsOnAClusterAdmitExactlyTheBindingLimitOfATwoLimitMethod() throws Exception {
        String cluster = "-Dbulwark.redis.cluster=" + RedisCluster.shared().seeds();
        ForkedJvm.Result first = twoJvms(cluster);
        assertTrue(first.stderr().contains("rate limits in Redis at redis-cluster://127.0.0.1:"), first.stderr());
    }

    @Test
    void twoJvmsOnSentinelAdmitExactlyTheBindingLimitOfATwoLimitMethod() throws Exception {
        RedisSentinels sentinels = RedisSentinels.shared();
        ForkedJvm.Result first = twoJvms("-Dbulwark.redis.sentinel=" + sentinels.sentinels(),
                "-Dbulwark.redis.sentinel.master=" + RedisSentinels.MASTER);
        assertTrue(first.stderr().contains("rate limits in Redis at redis-sentinel://127.0.0.1:"), first.stderr());
    }

    /** {@code lockout reset} reads the same settings: a lockout made on the cluster is cleared from a shell. */
    @Test
    void theResetCommandClearsALockoutOnTheCluster() throws Exception {
        String cluster = "-Dbulwark.redis.cluster=" + RedisCluster.shared().seeds();
        String email = UUID.randomUUID() + "@example.com";
        ForkedJvm.Result attacker = new ForkedJvm().option(cluster).run(RedisLoginApp.class, email, "guess", "4")
                .assertExit(0);
        assertTrue(attacker.value("login.4").startsWith("LockedOutException policy=redis-login"), attacker.toString());
        ForkedJvm.Result reset = new ForkedJvm().withoutAgent().option(cluster).onlyClasspath(ForkedJvm.AGENT_JAR)
                .runMain("io.bulwark.agent.boot.AgentBoot", "lockout", "reset", "--policy", "redis-login", "--key",
                        email)
                .assertExit(0);
        assertTrue(reset.stdout().startsWith("reset policy 'redis-login' for the given key in redis-cluster://"),
                reset.toString());
        assertEquals("OK", new ForkedJvm().option(cluster).run(RedisLoginApp.class, email, "right", "1").assertExit(0)
                .value("login.1"));
    }

    private static ForkedJvm.Result twoJvms(String... redis) throws Exception {
        String run = "run-" + UUID.randomUUID();
        CompletableFuture<ForkedJvm.Result> first = CompletableFuture.supplyAsync(() -> fork(run, "hammer", redis));
        CompletableFuture<ForkedJvm.Result> second = CompletableFuture.supplyAsync(() -> fork(run, "hammer", redis));
        ForkedJvm.Result a = first.get().assertExit(0);
        ForkedJvm.Result b = second.get().assertExit(0);
        int admitted = Integer.parseInt(a.value("admitted")) + Integer.parseInt(b.value("admitted"));
        int refused = Integer.parseInt(a.value("refused")) + Integer.parseInt(b.value("refused"));
        assertEquals(100, admitted, "the organisation's limit binds; JVM 1:\n" + a + "\nJVM 2:\n" + b);
        assertEquals(2 * 32 * 10 - 100, refused);
        // 8 users x 50 = 400; the 100 admitted took 100 of it, the 540 refused nothing.
        ForkedJvm.Result rest = fork(run, "rest", redis).assertExit(0);
        assertEquals(300, Integer.parseInt(rest.value("admitted")), rest.toString());
        return a;
    }

    /** With 2 s for Redis to answer, not 250 ms: see RedisEndToEndIT.fork (a timed-out check is a refusal). */
    private static ForkedJvm.Result fork(String run, String mode, String... redis) {
        try {
            return new ForkedJvm().option(redis).option("-Dbulwark.redis.timeout=2s").run(TwoLimitApp.class, run, mode);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
