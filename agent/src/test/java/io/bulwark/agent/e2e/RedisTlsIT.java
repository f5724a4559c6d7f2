package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.SharedQuotaApp;
import io.bulwark.runtime.testing.RedisServer;
import io.bulwark.runtime.testing.TlsMaterial;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rediss://}: the agent reaches Redis over TLS, trusting what the JVM's trust store trusts. */
class RedisTlsIT {

    @TempDir
    Path dir;

    @Test
    void limitsAreSharedOverTls() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir);
        int tlsPort = RedisServer.freePort();
        try (RedisServer server = RedisServer.startPrivateTls(tls, tlsPort)) {
            // 64 threads start at once on a cold JVM: the agent connects ahead of them (in the background), but on
            // a busy 2-core machine the handshakes can still outlast the 250 ms default, and the quota would then
            // rightly count locally for a moment. This test is about sharing over TLS, so it allows 2 s.
            ForkedJvm.Result r = new ForkedJvm()
                    .option("-Dbulwark.redis.url=rediss://127.0.0.1:" + tlsPort, "-Dbulwark.redis.timeout=2s",
                            "-Djavax.net.ssl.trustStore=" + tls.trustStore(),
                            "-Djavax.net.ssl.trustStorePassword=" + tls.password())
                    .run(SharedQuotaApp.class, "tls-" + UUID.randomUUID()).assertExit(0);
            assertEquals("100", r.value("admitted"), r.stderr());
            assertTrue(r.stderr().contains("rate limits in Redis at rediss://127.0.0.1:" + tlsPort + "/0"), r.stderr());
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        TlsMaterial elsewhere = TlsMaterial.create(dir, "dns:cache.example.com");
        int tlsPort = RedisServer.freePort();
        try (RedisServer server = RedisServer.startPrivateTls(elsewhere, tlsPort)) {
            ForkedJvm.Result r = new ForkedJvm()
                    .option("-Dbulwark.redis.url=rediss://127.0.0.1:" + tlsPort,
                            "-Djavax.net.ssl.trustStore=" + elsewhere.trustStore(),
                            "-Djavax.net.ssl.trustStorePassword=" + elsewhere.password())
                    .run(SharedQuotaApp.class, "wrong-host-" + UUID.randomUUID()).assertExit(0);
            assertTrue(r.stderr().contains("is unavailable"), "the hostname is verified:\n" + r.stderr());
        }
    }

    @Test
    void aServerTheJvmDoesNotTrustIsAStoreFailureNotASilentPlainConnection() throws Exception {
        TlsMaterial tls = TlsMaterial.create(dir);
        int tlsPort = RedisServer.freePort();
        try (RedisServer server = RedisServer.startPrivateTls(tls, tlsPort)) {
            // No trust store: the self-signed certificate is refused, so every lockout-free quota here (LOCAL by
            // default) counts in the JVM's memory, and the log says Redis is unavailable.
            ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.redis.url=rediss://127.0.0.1:" + tlsPort)
                    .run(SharedQuotaApp.class, "untrusted-" + UUID.randomUUID()).assertExit(0);
            assertEquals("100", r.value("admitted"), "counted locally");
            assertTrue(r.stderr().contains("is unavailable"), r.stderr());
        }
    }
}
