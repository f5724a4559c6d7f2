package io.bulwark.runtime.audit.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.verify.Anchors;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import io.bulwark.runtime.audit.verify.Finding;
import io.bulwark.runtime.audit.verify.Report;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.testing.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * architecture.md §7: someone with full write access to PostgreSQL, but not to the application's host, its
 * configuration or its keys, rewrites the audit trail; {@code audit verify} must report each attempt. Every one of
 * these verified "intact" before the chain was keyed and anchored (issue 14).
 */
class ForgeryTest {

    @TempDir
    Path auditDir;
    @TempDir
    Path elsewhere;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PostgresServer.Schema schema;
    private JournalWriter journal;
    private Shipper shipper;

    @BeforeEach
    void twentyEventsShipped() throws Exception {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        schema = PostgresServer.freshSchema("forgery");
        journal = JournalWriter.open(auditDir, ChainKey.local(auditDir), new Checkpoints.Policy(100_000,
                Duration.ofSeconds(60), Checkpoint.Store.POSTGRESQL));
        write(IntStream.range(0, 20).mapToObj(Events::login).toList());
        // As on a JVM that stopped: the journal's events are in PostgreSQL, and its newest segment is the host's
        // business, not the forger's. These tests verify as a verifier elsewhere would: PostgreSQL and the anchors.
        shipper.close();
        shipper = null;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (shipper != null) {
            shipper.close();
        }
        journal.close();
        Log.setOutput(System.err);
    }

    private void write(List<AuditEvent> events) throws Exception {
        journal.append(events);
        journal.sync();
        if (shipper == null) {
            shipper = new Shipper(AuditSettings.defaults().withDataDir(auditDir.getParent()).withRetention(null)
                    .withJdbc(new JdbcSettings(schema.jdbcUrl(), null, null, 2)), journal);
            shipper.start();
        }
        shipper.wake();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (shipper.shipped() < journal.durableSeq()) {
            assertTrue(System.nanoTime() < deadline, "not shipped in time; log: " + log);
            Thread.sleep(20);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(schema.jdbcUrl());
        c.setAutoCommit(false);
        return c;
    }

    private void execute(String... sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
            c.commit();
        }
    }

    /** Verified with the data directory's key and checkpoints. */
    private Report verify() throws Exception {
        return verify(Anchors.local(auditDir));
    }

    private Report verify(Anchors anchors) throws Exception {
        try (Connection c = connect()) {
            return AuditVerifier.verifyDatabase(c, anchors);
        }
    }

    private static Finding first(Report report) {
        assertFalse(report.findings().isEmpty(), "expected a finding; notes: " + report.notes());
        assertTrue(report.tampered(), report.findings().toString());
        return report.findings().get(0);
    }

    private UUID writer() {
        return journal.writer();
    }

    @Test
    void untouchedTheTrailIsIntactAndAnchored() throws Exception {
        Report report = verify();
        assertTrue(report.intact(), report.findings() + " " + report.notes());
        assertEquals(20, report.events());
        assertTrue(Files.readString(Checkpoints.files(auditDir).get(0)).contains("seq=20 "),
                "the data directory keeps the newest checkpoint");
    }

    @Test
    void deletingTheOldestEventsIsFound() throws Exception {
        execute("DELETE FROM audit_logs WHERE seq IN (1, 2)");
        Finding first = first(verify());
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(1, first.seq());
        assertTrue(first.detail().startsWith("events #1 to #2 are missing"), first.detail());
    }

    @Test
    void deletingTheNewestEventsAndMovingTheHeadBackIsFound() throws Exception {
        execute("DELETE FROM audit_logs WHERE seq > 17",
                "UPDATE audit_writers SET last_seq = 17, last_hash = (SELECT hash FROM audit_logs WHERE seq = 17)");
        Finding first = first(verify());
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(18, first.seq());
        assertTrue(first.detail().contains("missing from the end") && first.detail().contains("checkpoint"),
                first.detail());
    }

    @Test
    void aRetentionRowInsertedToExcuseADeletionExcusesNothing() throws Exception {
        execute("DELETE FROM audit_logs WHERE seq BETWEEN 1 AND 10",
                "INSERT INTO audit_retention (writer_id, partition_name, max_seq) VALUES ('" + writer()
                        + "', 'audit_logs_y2020m01', 10)");
        Report report = verify();
        Finding first = first(report);
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(1, first.seq());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("is not signed")), report.notes().toString());
        // One that names the right key, with a signature the forger cannot make, is a finding of its own.
        execute("DELETE FROM audit_retention", "INSERT INTO audit_retention (writer_id, partition_name, min_seq, "
                + "max_seq, event_count, retention_seconds, key_id, signature) VALUES ('" + writer() + "', "
                + "'audit_logs_y2020m01', 1, 10, 10, 7776000, '" + journal.key().id() + "', '\\x" + "00".repeat(32)
                + "')");
        List<Finding> findings = verify().findings();
        assertTrue(findings.stream().anyMatch(f -> f.kind() == Finding.Kind.INSERTED
                && f.detail().contains("did not sign")), findings.toString());
        assertTrue(findings.stream().anyMatch(f -> f.kind() == Finding.Kind.MISSING && f.seq() == 1),
                findings.toString());
    }

    @Test
    void deletingAWholeWriterIsFound() throws Exception {
        execute("DELETE FROM audit_logs WHERE writer_id = '" + writer() + "'",
                "DELETE FROM audit_writers WHERE writer_id = '" + writer() + "'");
        Report report = verify();
        Finding first = first(report);
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(writer(), first.writer());
        assertTrue(first.detail().startsWith("none of this writer's events is stored"), first.detail());
    }

    @Test
    void aRowRewrittenWithEveryHashAfterItRecomputedIsFound() throws Exception {
        rewriteWithUnkeyedHashes(7, "mallory");
        Finding first = first(verify());
        assertEquals(Finding.Kind.CHANGED, first.kind());
        assertEquals(7, first.seq());
    }

    @Test
    void anEventAppendedWithARecomputedHashIsFound() throws Exception {
        try (Connection c = connect()) {
            List<Row> rows = rows(c);
            Row last = rows.get(rows.size() - 1);
            AuditEvent forged = Events.login(99);
            byte[] hash = EventCodec.unkeyedHash(last.hash, EventCodec.encode(writer(), 21, forged));
            RowInserter.insert(c, List.of(new io.bulwark.runtime.audit.chain.SealedEvent(writer(), 21, last.hash, hash,
                    forged)));
            c.commit();
        }
        Finding first = first(verify());
        assertEquals(Finding.Kind.CHANGED, first.kind());
        assertEquals(21, first.seq());
    }

    @Test
    void swappingTwoEventsIsFound() throws Exception {
        execute("UPDATE audit_logs SET seq = CASE seq WHEN 3 THEN 4 ELSE 3 END WHERE seq IN (3, 4)");
        Finding first = first(verify());
        assertEquals(3, first.seq());
    }

    @Test
    void aVerifierElsewhereFindsTheSameWithTheKeyAndTheApplicationLogAlone() throws Exception {
        Path key = Files.copy(auditDir.resolve(ChainKey.FILE), elsewhere.resolve("instance-1.chain.key"));
        Path appLog = Files.write(elsewhere.resolve("app.log"), log.toByteArray());
        execute("DELETE FROM audit_logs WHERE seq > 17",
                "UPDATE audit_writers SET last_seq = 17, last_hash = (SELECT hash FROM audit_logs WHERE seq = 17)");
        Finding first = first(verify(Anchors.of(List.of(ChainKey.read(key))).read(appLog)));
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(18, first.seq());
    }

    @Test
    void aCheckpointLineSomeoneElseWroteIntoTheLogIsIgnoredAndSaidSo() throws Exception {
        String real = log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(Checkpoint.TAG))
                .findFirst().orElseThrow();
        // Claims an event #500 that never was: a false alarm, if it were believed.
        Path appLog = Files.writeString(elsewhere.resolve("app.log"), real.replace("seq=20 ", "seq=500 ") + "\n");
        Report report = verify(Anchors.of(List.of(journal.key())).read(appLog));
        assertTrue(report.intact(), report.findings().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("WARNING") && n.contains("did not sign")),
                report.notes().toString());
    }

    @Test
    void withoutAnyCheckpointTheVerifierSaysWhatItCannotProve() throws Exception {
        execute("DELETE FROM audit_logs WHERE seq > 17",
                "UPDATE audit_writers SET last_seq = 17, last_hash = (SELECT hash FROM audit_logs WHERE seq = 17)");
        Report report = verify(Anchors.of(List.of(journal.key())));
        assertTrue(report.intact(), "no anchor, nothing to find the end by: " + report.findings());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("no checkpoint of PostgreSQL was given")),
                report.notes().toString());
    }

    @Test
    void aWriterWhoseKeyWasNotGivenIsNotProvenRatherThanIntactOrTampered() throws Exception {
        Report report = verify(Anchors.of(List.of(ChainKey.of(new byte[32]))));
        assertFalse(report.intact());
        assertFalse(report.tampered(), report.findings().toString());
        assertEquals(Finding.Kind.UNVERIFIED, report.findings().get(0).kind());
        assertTrue(report.findings().get(0).detail().contains("--chain-key-file"), report.findings().toString());
    }

    @Test
    void retentionAccountsForExactlyTheEventsItDroppedAndNoOther() throws Exception {
        long january2020 = Instant.parse("2020-01-10T00:00:00Z").getEpochSecond() * 1_000_000L;
        // #21 and #23 occurred in January 2020 (long calls, or a clock far behind), #22 in November 2026.
        write(List.of(Events.login("old1", january2020), Events.login(40), Events.login("old2", january2020 + 1)));
        try (Connection c = connect()) {
            assertEquals(List.of("audit_logs_y2020m01"), Partitions.expire(c, Instant.parse("2020-06-15T00:00:00Z"),
                    Duration.ofDays(90), journal.key()));
        }
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
        execute("DELETE FROM audit_logs WHERE seq = 22");
        Finding first = first(verify());
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertTrue(first.detail().startsWith("1 more event(s) are missing"), first.detail());
        execute("DELETE FROM audit_logs WHERE seq = 5");
        first = first(verify());
        assertEquals(5, first.seq());
        assertTrue(first.detail().contains("retention accounts only for events up to #23"), first.detail());
    }

    /** As a forger with the database: user 'mallory' in row {@code seq}, every hash after it recomputed as before. */
    private void rewriteWithUnkeyedHashes(long seq, String user) throws SQLException {
        try (Connection c = connect()) {
            List<Row> rows = rows(c);
            byte[] prev = null;
            try (PreparedStatement p = c.prepareStatement("UPDATE audit_logs SET user_id = ?, prev_hash = ?, hash = ? "
                    + "WHERE writer_id = ? AND seq = ?")) {
                for (Row row : rows) {
                    if (row.seq < seq) {
                        continue;
                    }
                    AuditEvent e = row.event;
                    if (row.seq == seq) {
                        prev = row.prevHash;
                        e = new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(), user, e.userEmail(), e.roles(),
                                e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(),
                                e.ipAddress(), e.userAgent(), e.requestId(), e.status(), e.errorMessage(),
                                e.durationMicros());
                    }
                    byte[] hash = EventCodec.unkeyedHash(prev, EventCodec.encode(writer(), row.seq, e));
                    p.setString(1, e.userId());
                    p.setBytes(2, prev);
                    p.setBytes(3, hash);
                    p.setObject(4, writer());
                    p.setLong(5, row.seq);
                    p.executeUpdate();
                    prev = hash;
                }
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE audit_writers SET last_hash = ?")) {
                p.setBytes(1, prev);
                p.executeUpdate();
            }
            c.commit();
        }
    }

    private record Row(long seq, byte[] prevHash, byte[] hash, AuditEvent event) {
    }

    private List<Row> rows(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id, occurred_at, org_id, user_id, "
                + "user_email, user_roles, action, resource_type, resource_id, resource_name, changes::text, "
                + "host(ip_address), user_agent, request_id, status, error_message, duration_us, writer_id, seq, "
                + "prev_hash, hash FROM audit_logs ORDER BY seq")) {
            while (r.next()) {
                rows.add(new Row(r.getLong(19), r.getBytes(20), r.getBytes(21), AuditVerifier.eventOf(r)));
            }
        }
        return rows;
    }

    @Test
    void anUnkeyedChainOfAnEarlierBulwarkWhoseStartRetentionDroppedIsNotProvenRatherThanTampered() throws Exception {
        // As a database upgraded from schema version 1: a writer sealed with the unkeyed chain, its first 10 events
        // dropped by retention then, recorded without a signature.
        UUID old = UUID.randomUUID();
        byte[] prev = EventCodec.genesis();
        List<io.bulwark.runtime.audit.chain.SealedEvent> rows = new ArrayList<>();
        for (int seq = 1; seq <= 15; seq++) {
            AuditEvent e = Events.login(100 + seq);
            byte[] hash = EventCodec.unkeyedHash(prev, EventCodec.encode(old, seq, e));
            if (seq > 10) {
                rows.add(new io.bulwark.runtime.audit.chain.SealedEvent(old, seq, prev, hash, e));
            }
            prev = hash;
        }
        try (Connection c = connect()) {
            RowInserter.insert(c, rows);
            c.commit();
        }
        execute("INSERT INTO audit_retention (writer_id, partition_name, max_seq) VALUES ('" + old
                + "', 'audit_logs_y2020m01', 10)");
        Report report = verify();
        assertFalse(report.tampered(), report.findings().toString());
        assertTrue(report.findings().stream().allMatch(f -> f.writer().equals(old)
                && f.kind() == Finding.Kind.UNVERIFIED), report.findings().toString());
        // The same record cannot excuse deleting this writer's keyed events, whose chain is proven.
        execute("DELETE FROM audit_logs WHERE writer_id = '" + writer() + "' AND seq <= 3",
                "INSERT INTO audit_retention (writer_id, partition_name, max_seq) VALUES ('" + writer()
                        + "', 'audit_logs_y2020m01', 3)");
        assertTrue(verify().findings().stream().anyMatch(f -> f.writer().equals(writer())
                && f.kind() == Finding.Kind.MISSING && f.seq() == 1));
    }
}
