package io.bulwark.runtime.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Caller;
import io.bulwark.Capture;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.capture.UuidV7;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.journal.JournalThread;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.StagingArea;
import io.bulwark.runtime.audit.postgres.LeftoverJournals;
import io.bulwark.runtime.audit.query.AuditQuery;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a process that died leaves staged is journalled by the next, each event once (issue 14). A process "dies" here
 * by being abandoned: its staging area stays mapped and its journal unsynced, exactly what the kernel leaves after a
 * kill -9 (the file's pages), and the next open reads the same file.
 */
class StagedRecoveryTest {

    @TempDir
    Path dataDir;

    private static Draft draft(int i) {
        Draft d = new Draft(UuidV7.next(System.currentTimeMillis()), 1_700_000_000_000_000L + i,
                Caller.of("u-" + i).email("u" + i + "@example.com").roles("admin", "ops").ip("203.0.113." + i)
                        .userAgent("ua \uD800 lone").requestId("req-" + i),
                "transfer.create", "account");
        d.resource("acct-" + i, null);
        d.changes("{\"args\":{\"n\":" + i + ",\"note\":\"nul\u0000inside\"}}");
        d.outcome(i % 2 == 0 ? Status.SUCCESS : Status.FAILURE, i % 2 == 0 ? null : "Boom: " + i, 10 + i);
        return d;
    }

    private static void stage(StagingArea area, Draft d) {
        int length = StagedDrafts.length(d);
        long position = area.reserve(length);
        StagedDrafts.write(d, area, area.payloadAt(position));
        area.commit(position, length);
    }

    /**
     * Texts go through a per-thread scratch array: longer than it is at first (it grows), longer than it may grow (an
     * array of their own), and a short one after a long one (only its own characters) all read back whole, and the
     * journal thread is told each record's position as it was reserved (how it finds the draft handed to it).
     */
    @Test
    void textsOfEveryLengthAreStagedWholeAndEachRecordKeepsItsPosition() throws Exception {
        JournalWriter writer = JournalWriter.open(dataDir.resolve("audit"));
        try (StagingArea area = StagingArea.open(writer.directory(), StagingArea.MIN_CAPACITY)) {
            area.restart(0);
            List<Draft> drafts = new ArrayList<>();
            List<Long> positions = new ArrayList<>();
            for (int length : new int[] {300, 70_000, 3, 1_000, 0}) {
                Draft d = draft(length);
                d.changes("{\"args\":{\"s\":\"" + "ab\u00e9\u20ac".repeat(length / 4) + "z".repeat(length % 4)
                        + "\"}}");
                d.resource("r".repeat(length % 600), null);
                drafts.add(d);
                int size = StagedDrafts.length(d);
                long position = area.reserve(size);
                positions.add(position);
                StagedDrafts.write(d, area, area.payloadAt(position));
                area.commit(position, size);
            }
            List<AuditEvent> read = new ArrayList<>();
            List<Long> visited = new ArrayList<>();
            area.drain(new StagingArea.Visitor() {
                @Override
                public void record(int at, int length) {
                    read.add(StagedDrafts.read(area.bytes(), area.chars(), at, length));
                }

                @Override
                public void record(long position, int at, int length) {
                    visited.add(position);
                    record(at, length);
                }
            }, 10);
            assertEquals(positions, visited);
            for (int i = 0; i < drafts.size(); i++) {
                assertEquals(drafts.get(i).toEvent(), read.get(i));
            }
        } finally {
            writer.close();
        }
    }

    @Test
    void aStagedEventReadsBackAsTheEventTheDraftMakes() throws Exception {
        JournalWriter writer = JournalWriter.open(dataDir.resolve("audit"));
        try (StagingArea area = StagingArea.open(writer.directory(), StagingArea.MIN_CAPACITY)) {
            area.restart(0);
            for (int i = 0; i < 4; i++) {
                stage(area, draft(i));
            }
            List<AuditEvent> read = new ArrayList<>();
            area.drain((at, length) -> read.add(StagedDrafts.read(area.bytes(), area.chars(), at, length)), 10);
            assertEquals(4, read.size());
            for (int i = 0; i < 4; i++) {
                Draft d = draft(i);
                d.id = read.get(i).id();
                assertEquals(d.toEvent(), read.get(i));
            }
            assertEquals("ua \uFFFD lone", read.get(0).userAgent());
        } finally {
            writer.close();
        }
    }

    @Test
    void aRestartJournalsWhatWasStagedAndNotJournalledEachEventOnce() throws Exception {
        Path audit = dataDir.resolve("audit");
        List<UUID> ids = new ArrayList<>();
        JournalWriter dead = JournalWriter.open(audit);
        StagingArea deadArea = StagingArea.open(dead.directory(), StagingArea.MIN_CAPACITY);
        assertEquals(0, JournalThread.recoverStaged(dead, deadArea));
        for (int i = 0; i < 5; i++) {
            Draft d = draft(i);
            ids.add(d.id());
            stage(deadArea, d);
        }
        // While its JVM runs, what it staged is in flight: noted, not a backlog.
        Report running = AuditVerifier.verifyJournal(audit);
        assertEquals(0, running.staged());
        assertTrue(running.notes().stream().anyMatch(n -> n.contains("5 event(s) staged by the running JVM are in "
                + "flight")), running.notes().toString());
        // The journal thread had taken the first two, written and even synced them, but died before releasing them.
        List<AuditEvent> taken = new ArrayList<>();
        deadArea.drain((at, length) -> taken.add(StagedDrafts.read(deadArea.bytes(), deadArea.chars(), at, length)),
                2);
        dead.append(taken);
        dead.sync();
        dead.close();

        // Its JVM is gone: the three staged events the journal does not hold are a backlog (issue 14), not intact.
        Path staging = dead.directory().resolve(StagingArea.FILE);
        byte[] stagedBytes = Files.readAllBytes(staging);
        Report before = AuditVerifier.verifyJournal(audit);
        assertEquals(3, before.staged(), before.notes().toString());
        assertEquals(2, before.events());
        assertTrue(before.notes().stream().anyMatch(n -> n.contains("3 event(s) staged by calls that returned before "
                + "its JVM stopped are not yet in the journal")), before.notes().toString());
        assertArrayEquals(stagedBytes, Files.readAllBytes(staging), "verify leaves the staging file as it was");

        JournalWriter next = JournalWriter.open(audit);
        try (StagingArea area = StagingArea.open(next.directory(), StagingArea.MIN_CAPACITY)) {
            assertEquals(5, area.leftoverCount());
            assertEquals(3, JournalThread.recoverStaged(next, area));
        } finally {
            next.close();
        }
        List<AuditEvent> journal = AuditQuery.fromJournal(audit, new AuditQuery.Filter(null, null, null, 1_000));
        assertEquals(ids, journal.stream().map(AuditEvent::id).toList());
        Report report = AuditVerifier.verifyJournal(audit);
        assertTrue(report.intact(), report.findings().toString());
        assertEquals(0, report.staged(), report.notes().toString());
        assertEquals(5, report.events());

        // Journalled now: a third start finds nothing more to add.
        JournalWriter third = JournalWriter.open(audit);
        try {
            assertEquals(0, StagedRecovery.recover(third));
        } finally {
            third.close();
        }
        assertEquals(5, AuditQuery.fromJournal(audit, new AuditQuery.Filter(null, null, null, 1_000)).size());
    }

    @Test
    void auditShipJournalsAndShipsWhatAKilledJvmStagedInAJournalNoJvmHolds() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("staged_ship");
        AuditSettings settings = AuditSettings.defaults().withDataDir(dataDir)
                .withJdbc(new JdbcSettings(schema.jdbcUrl(), null, null, 2));
        Set<UUID> ids = new HashSet<>();
        JournalWriter dead = JournalWriter.open(settings.auditDir(), ChainKey.of(settings), new Checkpoints.Policy(
                1_000, Duration.ofMinutes(1), Checkpoint.Store.POSTGRESQL));
        StagingArea area = StagingArea.open(dead.directory(), StagingArea.DEFAULT_CAPACITY);
        JournalThread.recoverStaged(dead, area);
        for (int i = 0; i < 4; i++) {
            Draft d = draft(i);
            ids.add(d.id());
            stage(area, d);
        }
        // Killed before its journal thread took them: the lock goes with the process, the staged pages stay.
        dead.close();

        // In neither store yet: a backlog of four staged events (issue 14).
        Anchors anchors = Anchors.local(settings.auditDir());
        Report before = AuditVerifier.verifyJournal(settings.auditDir(), anchors, null, true);
        assertEquals(4, before.staged(), before.notes().toString());
        assertEquals(0, before.backlog());
        assertEquals(0, before.events());

        List<LeftoverJournals.Outcome> outcomes = LeftoverJournals.ship(settings, null,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        assertEquals(1, outcomes.size(), outcomes.toString());
        assertEquals(4, outcomes.get(0).shipped(), outcomes.toString());
        assertEquals(0, outcomes.get(0).left(), outcomes.toString());
        Set<UUID> stored = new HashSet<>();
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); Statement st = c.createStatement();
                ResultSet r = st.executeQuery("SELECT id FROM audit_logs")) {
            while (r.next()) {
                stored.add(r.getObject(1, UUID.class));
            }
        }
        assertEquals(ids, stored);
        area.close();

        Anchors after = Anchors.local(settings.auditDir());
        Report journal = AuditVerifier.verifyJournal(settings.auditDir(), after, null, true);
        assertEquals(0, journal.staged(), journal.notes().toString());
        assertEquals(0, journal.backlog(), journal.notes().toString());
        assertTrue(journal.intact(), journal.findings().toString());
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl())) {
            Report database = AuditVerifier.verifyDatabase(c, after);
            assertTrue(database.intact(), database.findings().toString());
            assertEquals(0, database.backlog());
            assertEquals(4, database.events());
        }
    }

    @Test
    void inTheSyncModeACallReturnsOnlyOnceTheJournalHasSyncedItsEvent() throws Exception {
        AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir)
                .withDurability(AuditSettings.Durability.SYNC));
        try {
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Pay", "pay", "(Ljava/lang/String;)V",
                    List.of(new Parameter("account", "java.lang.String")), List.of(), List.of(),
                    new AuditSpec("payment.create", "", "{account}", "", Capture.NONE)), new ReflectiveTypeModel(),
                    getClass().getClassLoader());
            for (int i = 1; i <= 3; i++) {
                Object token = registry.enter(r.id(), new Object[] {"acct-" + i});
                registry.exit(r.id(), token, null, null);
                assertEquals(i, pipeline.journal().durableSeq(), "synced when call " + i + " returned");
            }
        } finally {
            pipeline.close();
        }
    }
}
