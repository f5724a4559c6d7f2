package io.bulwark.runtime.audit.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.query.AuditQuery;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipping the journal to a real PostgreSQL (architecture.md §6), each test in a schema of its own. */
class ShipperTest {

    @TempDir
    Path auditDir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PostgresServer.Schema schema;
    private JournalWriter journal;
    private Shipper shipper;

    @BeforeEach
    void setUp() throws Exception {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        schema = PostgresServer.freshSchema("shipper");
        journal = JournalWriter.open(auditDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (shipper != null) {
            shipper.close();
        }
        journal.close();
        Log.setOutput(System.err);
    }

    private AuditSettings settings(Duration retention) {
        return AuditSettings.defaults().withDataDir(auditDir.getParent()).withRetention(retention)
                .withJdbc(new JdbcSettings(schema.jdbcUrl(), null, null, 2));
    }

    private void write(List<AuditEvent> events) throws Exception {
        journal.append(events);
        journal.sync();
    }

    private void ship(Duration retention) throws Exception {
        if (shipper == null) {
            shipper = new Shipper(settings(retention), journal);
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

    private List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                values.add(r.getString(1));
            }
        }
        return values;
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
            c.commit();
        }
    }

    private Report verify() throws Exception {
        try (Connection c = connect()) {
            return AuditVerifier.verifyDatabase(c, Anchors.local(auditDir));
        }
    }

    private static List<AuditEvent> events(int count) {
        return IntStream.range(0, count).mapToObj(Events::login).toList();
    }

    @Test
    void theSchemaIsCreatedWithItsTypesIndexesAndPartitionsAhead() throws Exception {
        write(events(1));
        ship(null);
        assertEquals(List.of("changes jsonb", "ip_address inet", "occurred_at timestamp with time zone",
                "user_roles ARRAY"), strings("SELECT column_name || ' ' || data_type FROM information_schema.columns "
                + "WHERE table_schema = '" + schema.name() + "' AND table_name = 'audit_logs' AND column_name IN "
                + "('changes', 'ip_address', 'occurred_at', 'user_roles') ORDER BY column_name"));
        List<String> indexes = strings("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + schema.name()
                + "' AND tablename = 'audit_logs' ORDER BY indexname");
        assertTrue(indexes.stream().anyMatch(i -> i.contains("(org_id, occurred_at DESC)")), indexes.toString());
        assertTrue(indexes.stream().anyMatch(i -> i.contains("(resource_type, resource_id, occurred_at DESC)")),
                indexes.toString());
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        List<String> partitions = strings("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'audit_logs'::regclass ORDER BY 1");
        for (int ahead = 0; ahead <= Partitions.MONTHS_AHEAD; ahead++) {
            assertTrue(partitions.contains(Partitions.name(now.plusMonths(ahead))), partitions.toString());
        }
        assertEquals(List.of(String.valueOf(Schema.VERSION)), strings("SELECT version FROM bulwark_schema "
                + "WHERE component = 'audit'"));
    }

    @Test
    void everyEventArrivesAsCapturedAndTheChainVerifies() throws Exception {
        List<AuditEvent> events = new ArrayList<>(events(5000));
        events.add(new AuditEvent(io.bulwark.runtime.audit.capture.UuidV7.next(1), 1_795_348_800_000_001L, null,
                null, null, List.of("a \"quoted\" role", "back\\slash", ""), "x.y", null, null, null, null,
                "2001:db8::1", null, null, Status.DENIED, "RateLimitedException: no", 0));
        // No roles, text beyond ASCII, a failure: every column kind both ways.
        events.add(new AuditEvent(io.bulwark.runtime.audit.capture.UuidV7.next(2), 1_795_348_800_000_002L, "örg",
                "Zoë", "zoë@exämple.com", List.of(), "user.rename", "user", "Zoë", "Zoë 🛡", "{\"args\":{\"to\":"
                + "\"Zoë 🛡\"}}", "10.0.0.1", "Mozilla/5.0 (ü)", "req-ü", Status.FAILURE,
                "java.lang.IllegalStateException: nön", Long.MAX_VALUE));
        write(events);
        ship(null);
        try (Connection c = connect()) {
            List<AuditEvent> stored = AuditQuery.fromDatabase(c, new AuditQuery.Filter(null, null, null, 10_000));
            assertEquals(new TreeSet<>(events.stream().map(AuditEvent::id).toList()),
                    new TreeSet<>(stored.stream().map(AuditEvent::id).toList()));
            assertEquals(new java.util.HashSet<>(events), new java.util.HashSet<>(stored));
        }
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
        assertEquals(5002, report.events());
    }

    @Test
    void shippingTheSameEventsAgainStoresThemOnce() throws Exception {
        write(events(300));
        ship(null);
        shipper.close();
        ShipCursor.write(journal.directory(), 0);
        shipper = null;
        ship(null);
        assertEquals(List.of("300"), strings("SELECT count(*) FROM audit_logs"));
        assertTrue(verify().intact());
    }

    @Test
    void aRowPostgresRefusesIsSetAsideAndTheRestOfItsBatchArrives() throws Exception {
        List<AuditEvent> events = new ArrayList<>(events(99));
        AuditEvent e = Events.login(0);
        // Before timestamptz's range (4713 BC): a clock gone mad. PostgreSQL refuses it (22008).
        events.add(50, new AuditEvent(e.id(), -9_000_000_000_000_000_000L, e.orgId(), e.userId(), e.userEmail(),
                e.roles(), e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), e.ipAddress(),
                e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()));
        // In range, but in a month no partition can be made for (year 287168).
        events.add(20, new AuditEvent(Events.login(0).id(), 9_000_000_000_000_000_000L, e.orgId(), e.userId(),
                e.userEmail(), e.roles(), e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(),
                e.ipAddress(), e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()));
        write(events);
        ship(null);
        assertEquals(List.of("99"), strings("SELECT count(*) FROM audit_logs"));
        assertEquals(List.of("21", "52"), strings("SELECT seq FROM audit_rejects ORDER BY seq"));
        List<String> reasons = strings("SELECT reason FROM audit_rejects WHERE seq = 52");
        assertTrue(reasons.get(0).startsWith("[22008]"), reasons.toString());
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("#52 was refused by PostgreSQL")));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("set aside in audit_rejects"));
    }

    @Test
    void aRowRefusedInABatchBetweenOthersInFlightIsSetAsideAndTheChainStaysWhole() throws Exception {
        // Three batches, COPYed side by side; the middle one holds a row PostgreSQL refuses.
        int count = 2 * Shipper.BATCH + Shipper.BATCH / 2;
        List<AuditEvent> events = new ArrayList<>(events(count));
        AuditEvent e = events.get(Shipper.BATCH + 77);
        events.set(Shipper.BATCH + 77, new AuditEvent(e.id(), -9_000_000_000_000_000_000L, e.orgId(), e.userId(),
                e.userEmail(), e.roles(), e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(),
                e.ipAddress(), e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()));
        write(events);
        ship(null);
        assertEquals(List.of(String.valueOf(count - 1)), strings("SELECT count(*) FROM audit_logs"));
        assertEquals(List.of(String.valueOf(Shipper.BATCH + 78)), strings("SELECT seq FROM audit_rejects"));
        assertEquals(List.of(String.valueOf(count)), strings("SELECT last_seq FROM audit_writers"));
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
    }

    @Test
    void replayingSeveralBatchesStoresEachEventOnce() throws Exception {
        int count = 2 * Shipper.BATCH + 300;
        write(events(count));
        ship(null);
        shipper.close();
        // As after a crash with the cursor behind: what was shipped since comes again, batch after batch.
        ShipCursor.write(journal.directory(), 1_000);
        shipper = null;
        write(events(5));
        ship(null);
        assertEquals(List.of(String.valueOf(count + 5)), strings("SELECT count(*) FROM audit_logs"));
        assertTrue(verify().intact());
    }

    @Test
    void anEventOfAMonthWithoutAPartitionGetsOne() throws Exception {
        write(List.of(Events.login("late", Instant.parse("2031-05-17T08:00:00Z").getEpochSecond() * 1_000_000L)));
        ship(null);
        assertEquals(List.of("1"), strings("SELECT count(*) FROM audit_logs_y2031m05"));
    }

    @Test
    void retentionDropsWholeOldMonthsAndTheVerifierTellsThatFromDeletion() throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        for (String month : List.of("2020-01-10", "2020-02-10", "2020-03-10")) {
            long micros = Instant.parse(month + "T00:00:00Z").getEpochSecond() * 1_000_000L;
            for (int i = 0; i < 10; i++) {
                events.add(Events.login("old" + i, micros + i));
            }
        }
        events.addAll(events(10));
        write(events);
        ship(null);
        try (Connection c = connect()) {
            List<String> dropped = Partitions.expire(c, Instant.parse("2020-06-15T00:00:00Z"), Duration.ofDays(90),
                    journal.key());
            assertEquals(List.of("audit_logs_y2020m01", "audit_logs_y2020m02"), dropped);
        }
        assertEquals(List.of("20"), strings("SELECT count(*) FROM audit_logs"));
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("its chain starts at #21")), report.notes()
                .toString());
    }

    @Test
    void anUpdatedRowIsFoundAsChanged() throws Exception {
        write(events(20));
        ship(null);
        execute("UPDATE audit_logs SET user_id = 'mallory' WHERE seq = 7");
        Finding first = verify().findings().get(0);
        assertEquals(Finding.Kind.CHANGED, first.kind());
        assertEquals(7, first.seq());
    }

    @Test
    void anUpdateToJsonThatKeepsItsMeaningIsNotAChange() throws Exception {
        write(events(3));
        ship(null);
        // jsonb normalises however it is written: the canonical form the chain hashes is the same.
        execute("UPDATE audit_logs SET changes = '{ \"args\" : { \"password\" : \"[redacted]\", "
                + "\"email\" : \"u1@example.com\" } }' WHERE seq = 2");
        assertTrue(verify().intact());
        execute("UPDATE audit_logs SET changes = '{\"args\":{}}' WHERE seq = 2");
        assertEquals(Finding.Kind.CHANGED, verify().findings().get(0).kind());
    }

    @Test
    void aDeletedRowIsFoundAsMissing() throws Exception {
        write(events(20));
        ship(null);
        execute("DELETE FROM audit_logs WHERE seq = 12");
        Finding first = verify().findings().get(0);
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals("event #12 is missing", first.detail());
    }

    @Test
    void rowsDeletedFromTheEndAreFoundAsMissing() throws Exception {
        write(events(20));
        ship(null);
        execute("DELETE FROM audit_logs WHERE seq > 17");
        Finding first = verify().findings().get(0);
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(18, first.seq());
        assertTrue(first.detail().contains("missing from the end"), first.detail());
    }

    @Test
    void aForgedCopyOfARowIsFoundAsInserted() throws Exception {
        write(events(5));
        ship(null);
        execute("INSERT INTO audit_logs SELECT gen_random_uuid(), occurred_at, org_id, 'mallory', user_email, "
                + "user_roles, action, resource_type, resource_id, resource_name, changes, ip_address, user_agent, "
                + "request_id, status, error_message, duration_us, writer_id, seq, prev_hash, hash FROM audit_logs "
                + "WHERE seq = 3");
        List<Finding> findings = verify().findings();
        assertTrue(findings.stream().anyMatch(f -> f.kind() == Finding.Kind.INSERTED && f.seq() == 3),
                findings.toString());
    }
}
