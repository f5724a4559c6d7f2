package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.CrashApp;
import io.bulwark.runtime.audit.verify.Anchors;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import io.bulwark.runtime.audit.verify.Report;
import io.bulwark.runtime.testing.PostgresServer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call that returned has its event, whatever kills the process (issue 14, Deliver 3): two threads make audited
 * calls as fast as they are admitted, the JVM is killed with SIGKILL after a few seconds, and a later JVM with the same
 * data directory ships what was left. Every call the application saw return has its event in PostgreSQL exactly once,
 * and the chain verifies intact.
 */
class CrashSafeAuditIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration SHIP = Duration.ofSeconds(240);

    @TempDir
    Path dataDir;

    @TempDir
    Path sideDir;

    private ForkedJvm jvm(String jdbcUrl, String... options) {
        return new ForkedJvm().option("-Dbulwark.data-dir=" + dataDir, "-Dbulwark.jdbc.url=" + jdbcUrl)
                .option(options);
    }

    @Test
    void everyCallThatReturnedBeforeAKill9HasItsEventInPostgresqlOnce() throws Exception {
        killedUnderLoadThenRestarted("audit_crash");
    }

    @Test
    void theSyncModeKeepsEveryReturnedCallsEventToo() throws Exception {
        killedUnderLoadThenRestarted("audit_crash_sync", "-Dbulwark.audit.durability=sync");
    }

    private void killedUnderLoadThenRestarted(String prefix, String... options) throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema(prefix);
        Path side = sideDir.resolve("returned");
        try (ForkedJvm.Running app = jvm(schema.jdbcUrl(), options).start(CrashApp.class.getName(), "hammer",
                side.toString())) {
            app.awaitLine("running", WAIT);
            Thread.sleep(4_000);
            app.killHard();
        }
        long[] returned = returnedRefs(side);
        assertTrue(returned.length >= 1_000, "only " + returned.length + " calls returned in 4 s");

        long[] stored;
        long deadline = System.nanoTime() + SHIP.toNanos();
        try (ForkedJvm.Running restarted = jvm(schema.jdbcUrl()).start(CrashApp.class.getName(), "idle")) {
            while (true) {
                stored = storedRefs(schema.jdbcUrl());
                if (missing(returned, stored) == 0 || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            }
            long missing = missing(returned, stored);
            assertEquals(0, missing, missing + " of the " + returned.length + " calls that returned have no event in "
                    + "PostgreSQL (" + stored.length + " events stored)\n" + restarted.stderr());
        }
        System.out.println(prefix + ": " + returned.length + " calls returned before the kill; " + stored.length
                + " events stored after the restart");
        for (int i = 1; i < stored.length; i++) {
            if (stored[i] == stored[i - 1]) {
                throw new AssertionError("the event of call " + stored[i] + " is stored more than once");
            }
        }
        assertEquals(0, count(schema.jdbcUrl(), "SELECT count(*) - count(DISTINCT id) FROM audit_logs"),
                "events stored twice");
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl())) {
            c.setAutoCommit(false);
            Report report = AuditVerifier.verifyDatabase(c, Anchors.local(dataDir.resolve("audit")));
            assertTrue(report.intact(), report.findings().toString());
        }
    }

    /** What the killed JVM recorded as returned, sorted. */
    private static long[] returnedRefs(Path side) throws Exception {
        long[] refs = new long[1 << 20];
        int n = 0;
        try (FileChannel channel = FileChannel.open(side, StandardOpenOption.READ)) {
            ByteBuffer all = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            for (int t = 0; t < CrashApp.THREADS; t++) {
                for (int slot = 0; slot < CrashApp.SLOTS; slot++) {
                    long ref = all.getLong((t * CrashApp.SLOTS + slot) * Long.BYTES);
                    if (ref == 0) {
                        break;
                    }
                    if (n == refs.length) {
                        refs = Arrays.copyOf(refs, n * 2);
                    }
                    refs[n++] = ref;
                }
            }
        }
        long[] sorted = Arrays.copyOf(refs, n);
        Arrays.sort(sorted);
        return sorted;
    }

    /** The resource ids of the stored {@code crash.call} events, sorted (duplicates kept). */
    private static long[] storedRefs(String jdbcUrl) throws SQLException {
        long[] refs = new long[1 << 20];
        int n = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(50_000);
                try (ResultSet r = s.executeQuery("SELECT resource_id FROM audit_logs WHERE action = 'crash.call'")) {
                    while (r.next()) {
                        if (n == refs.length) {
                            refs = Arrays.copyOf(refs, n * 2);
                        }
                        refs[n++] = Long.parseLong(r.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("audit_logs")) {
                return new long[0];
            }
            throw e;
        }
        long[] sorted = Arrays.copyOf(refs, n);
        Arrays.sort(sorted);
        return sorted;
    }

    /** How many of {@code returned} are not in {@code stored} (both sorted). */
    private static long missing(long[] returned, long[] stored) {
        long missing = 0;
        int j = 0;
        for (long ref : returned) {
            while (j < stored.length && stored[j] < ref) {
                j++;
            }
            if (j == stored.length || stored[j] != ref) {
                missing++;
            }
        }
        return missing;
    }

    private static long count(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
