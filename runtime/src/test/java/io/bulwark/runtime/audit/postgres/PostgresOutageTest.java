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
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped for seconds under load, then started again (architecture.md §6: fault tests stop the real server).
 */
class PostgresOutageTest {

    @TempDir
    Path dataDir;

    @Test
    void everyEventArrivesExactlyOnceAndNoCallerWaitsForTheDatabase() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (PostgresServer server = PostgresServer.startPrivate()) {
            AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir)
                    .withJdbc(new JdbcSettings(server.jdbcUrl(), null, null, 2)));
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Api", "order", "(Ljava/lang/String;)V",
                    List.of(new Parameter("item", "java.lang.String")), List.of(), List.of(),
                    new AuditSpec("order.create", "item", "{item}", "", Capture.ARGS)), new ReflectiveTypeModel(),
                    getClass().getClassLoader());

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicBoolean databaseDown = new AtomicBoolean();
            AtomicLong calls = new AtomicLong();
            AtomicLong callsWhileDown = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> {
                    long i = 0;
                    while (running.get()) {
                        Object token = registry.enter(r.id(), new Object[] {"item-" + i++});
                        registry.exit(r.id(), token, null, null);
                        calls.incrementAndGet();
                        if (databaseDown.get()) {
                            callsWhileDown.incrementAndGet();
                        }
                        // About 4,000 calls a second a thread, 32,000 in all: busy, and within what the journal
                        // takes on this 2-core machine while PostgreSQL catches up (a faster loop is refused, 503,
                        // once the queue to the journal is full: that is the documented policy, not this test's).
                        if (i % 20 == 0) {
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
                threads.add(thread);
                thread.start();
            }
            Thread.sleep(1_500);
            server.stop();
            databaseDown.set(true);
            Thread.sleep(4_000);
            databaseDown.set(false);
            server.start();
            Thread.sleep(1_500);
            running.set(false);
            for (Thread thread : threads) {
                thread.join(10_000);
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (pipeline.pending() > 0 || pipeline.shipper().shipped() < pipeline.journal().durableSeq()) {
                assertTrue(System.nanoTime() < deadline, "not all shipped in time: " + log);
                Thread.sleep(50);
            }
            try (Connection c = DriverManager.getConnection(server.jdbcUrl());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM audit_logs")) {
                rs.next();
                assertEquals(calls.get(), rs.getLong(1), "rows for every call");
                assertEquals(calls.get(), rs.getLong(2), "each exactly once");
                c.setAutoCommit(false);
                Report report = AuditVerifier.verifyDatabase(c, Anchors.local(dataDir.resolve("audit")));
                assertTrue(report.intact(), report.findings().toString());
            }
            pipeline.close();
            String logged = log.toString(StandardCharsets.UTF_8);
            assertTrue(callsWhileDown.get() > 0, "callers were held up while PostgreSQL was down");
            assertTrue(logged.contains("cannot take audit events"), logged);
            assertTrue(logged.contains("PostgreSQL is reachable again"), logged);
            assertEquals(1, logged.split("cannot take audit events", -1).length - 1,
                    "logged once per outage: " + logged);
        } finally {
            Log.setOutput(System.err);
        }
    }
}
