package io.bulwark.runtime.audit.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Capture;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.audit.verify.Anchors;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import io.bulwark.runtime.audit.verify.Report;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.testing.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What callers pass can be anything: none of it may cost an event, or hold up the others shipped with it. */
class HostileCapturesTest {

    @TempDir
    Path dataDir;

    record Hostile(String name, Object thing) {
    }

    @Test
    void hugeNulBrokenAndUnprintableArgumentsArriveInPostgresAmongOrdinaryOnes() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("hostile");
        try (AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir)
                .withJdbc(new JdbcSettings(schema.jdbcUrl(), null, null, 2)))) {
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Api", "post", "(Ljava/lang/Object;)V",
                    List.of(new Parameter("payload", "java.lang.Object")), List.of(), List.of(),
                    new AuditSpec("api.post", "", "", "", Capture.ARGS)), new ReflectiveTypeModel(),
                    getClass().getClassLoader());
            List<Object> hostile = List.of("x".repeat(1 << 20), "nul\u0000inside", "broken \uD800 surrogate",
                    "\\u0000 as text", new Hostile("h", new Object() {
                        @Override
                        public String toString() {
                            throw new AssertionError("never called");
                        }
                    }), List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of("deep"))))))))));
            // Among ordinary calls, so that they share batches with them.
            List<Object> payloads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                payloads.add("ordinary " + i);
                if (i % 16 == 7) {
                    payloads.add(hostile.get(i / 16));
                }
            }
            for (Object payload : payloads) {
                Object token = registry.enter(r.id(), new Object[] {payload});
                registry.exit(r.id(), token, null, null);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pipeline.shipper() == null || pipeline.shipper().shipped() < payloads.size()) {
                assertTrue(System.nanoTime() < deadline, "not all shipped in time");
                Thread.sleep(20);
            }
        }
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM audit_logs), "
                    + "(SELECT count(*) FROM audit_rejects), (SELECT count(*) FROM audit_logs WHERE changes->'args'->>"
                    + "'payload' = 'nul\uFFFDinside')")) {
                r.next();
                assertEquals(106, r.getLong(1), "rows");
                assertEquals(0, r.getLong(2), "rows set aside");
                assertEquals(1, r.getLong(3), "the NUL, replaced");
            }
            c.setAutoCommit(false);
            Report report = AuditVerifier.verifyDatabase(c, Anchors.local(dataDir.resolve("audit")));
            assertTrue(report.intact(), report.findings().toString());
        }
    }
}
