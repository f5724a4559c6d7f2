package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.AuditApp;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.StagedLeftovers;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.export.OcsfRequired;
import io.bulwark.runtime.audit.journal.JournalScan;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.audit.postgres.ShipCursor;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.audit.verify.Anchors;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import io.bulwark.runtime.audit.verify.Finding;
import io.bulwark.runtime.audit.verify.Report;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code @Audited} in a JVM started with the agent: into the journal, on to a real PostgreSQL, through a kill -9. */
class AuditEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private ForkedJvm jvm(String jdbcUrl) {
        ForkedJvm jvm = new ForkedJvm().option("-Dbulwark.data-dir=" + dataDir);
        if (jdbcUrl != null) {
            jvm.option("-Dbulwark.jdbc.url=" + jdbcUrl);
        }
        return jvm;
    }

    private static long count(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void awaitRows(String jdbcUrl, long rows) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try {
                seen = count(jdbcUrl, "SELECT count(*) FROM audit_logs");
                if (seen >= rows) {
                    break;
                }
            } catch (SQLException notYetCreated) {
                // the shipper creates the table on its first connection
            }
            Thread.sleep(50);
        }
        assertEquals(rows, seen, "rows in audit_logs");
    }

    private List<AuditEvent> journal() throws IOException {
        return AuditQuery.fromJournal(dataDir.resolve("audit"), new AuditQuery.Filter(null, null, null, 10_000_000));
    }

    private List<AuditEvent> database(String jdbcUrl) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            return AuditQuery.fromDatabase(c, new AuditQuery.Filter(null, null, null, 10_000_000));
        }
    }

    private Report verify(String jdbcUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false);
            return AuditVerifier.verifyDatabase(c, Anchors.local(dataDir.resolve("audit")));
        }
    }

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream();
    }

    /** On every JDK from 17 on (architecture.md §4): the agent's shaded driver, pool and COPY included. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void eachCallLeavesOneCompleteRowInPostgresAndNothingRedactedAnywhere(Path javaHome) throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_e2e");
        // Logging all it can, so that the log is searched for the secrets at its most talkative.
        try (ForkedJvm.Running app = jvm(schema.jdbcUrl()).java(javaHome).option("-Dbulwark.log.level=debug")
                .start(AuditApp.class.getName(), "scenario")) {
            app.awaitLine("done", WAIT);
            awaitRows(schema.jdbcUrl(), 5);
            String stdout = app.stdout();
            assertTrue(stdout.contains("locked.1=LockedOutException"), stdout);
            List<AuditEvent> rows = database(schema.jdbcUrl());
            assertEquals(List.of(Status.SUCCESS, Status.FAILURE, Status.FAILURE, Status.DENIED, Status.SUCCESS),
                    rows.stream().map(AuditEvent::status).toList());
            for (AuditEvent e : rows) {
                assertEquals(7, e.id().version());
                assertEquals("acme", e.orgId());
                assertEquals("u-42", e.userId());
                assertEquals("ann@example.com", e.userEmail());
                assertEquals(List.of("admin", "ops"), e.roles());
                assertEquals("203.0.113.9", e.ipAddress());
                assertEquals("curl/8.4", e.userAgent());
                assertEquals("req-7", e.requestId());
                assertTrue(e.durationMicros() >= 0);
            }
            AuditEvent login = rows.get(0);
            assertEquals("user.login", login.action());
            assertEquals("user", login.resourceType());
            assertEquals("ann@example.com", login.resourceId());
            assertNull(login.resourceName());
            assertEquals("{\"args\":{\"email\":\"ann@example.com\",\"password\":\"[redacted]\"}}", login.changes());
            assertNull(login.errorMessage());
            assertEquals(AuditApp.BadCredentials.class.getName() + ": wrong password '[redacted]' for ann@example.com",
                    rows.get(1).errorMessage());
            assertTrue(rows.get(3).errorMessage().startsWith("LockedOutException: "), rows.get(3).errorMessage());
            AuditEvent transfer = rows.get(4);
            assertEquals("transfer.create", transfer.action());
            assertEquals("DE01", transfer.resourceId());
            assertEquals("acme:FR02", transfer.resourceName());
            assertTrue(transfer.changes().matches("\\{\"args\":\\{\"request\":\\{\"to\":\"FR02\","
                    + "\"card\":\\{\"holder\":\"Ann\",\"number\":\"hmac:[A-Za-z0-9_-]{22}\"},"
                    + "\"from\":\"DE01\",\"cents\":1234}},"
                    + "\"result\":1234}"), transfer.changes());
            assertTrue(verify(schema.jdbcUrl()).intact());

            // The password, and the card number, are nowhere: not in the table, the journal, or the log.
            try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT string_agg(row_to_json(a)::text, '') FROM audit_logs a")) {
                r.next();
                String table = r.getString(1);
                assertFalse(table.contains(AuditApp.PASSWORD) || table.contains("4111111111111111"), table);
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(AuditApp.PASSWORD) || bytes.contains("4111111111111111"),
                            file.toString());
                }
            }
            app.killHard();
            assertFalse(stdout.contains(AuditApp.PASSWORD));
            String log = app.stderr();
            assertTrue(log.contains("[bulwark]"), log);
            assertFalse(log.contains(AuditApp.PASSWORD) || log.contains("4111111111111111"), log);
        }
    }

    /**
     * The "done when": a program that makes 1,000 audited calls and returns from {@code main} at once leaves
     * every one of them in PostgreSQL by the time its process has ended, not in a journal a container's disk takes
     * with it.
     */
    @Test
    void aProgramThatExitsAtOnceHasAllItsEventsInPostgresWhenItHasExited() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_exit");
        ForkedJvm.Result run = jvm(schema.jdbcUrl()).run(AuditApp.class, "exit", "1000").assertExit(0);
        assertEquals("called 1000", run.lines().get(run.lines().size() - 1), run.toString());
        assertEquals(1_000, count(schema.jdbcUrl(), "SELECT count(DISTINCT id) FROM audit_logs"), run.toString());
        // One line says what was shipped at exit and what is left (the shipper may have sent some before the exit).
        assertTrue(run.stderr().matches("(?s).*INFO audit journal drained at exit: \\d+ event\\(s\\) shipped to "
                + "PostgreSQL in \\d+ ms, none left\n.*"), run.toString());
        Report database = verify(schema.jdbcUrl());
        assertTrue(database.intact(), database.findings().toString());
    }

    /**
     * With PostgreSQL unreachable the exit waits for it no longer than {@code bulwark.audit.drain-timeout}, says what
     * it leaves and where, and leaves it in the journal.
     */
    @Test
    void aProgramThatExitsWhilePostgresIsDownSaysWhatItLeavesInTheJournal() throws Exception {
        ForkedJvm.Result run = jvm("jdbc:postgresql://127.0.0.1:1/none?user=postgres")
                .option("-Dbulwark.audit.drain-timeout=1s").run(AuditApp.class, "exit", "50").assertExit(0);
        String journalDir = java.util.regex.Pattern.quote(dataDir.resolve("audit").toString());
        assertTrue(run.stderr().matches("(?s).*WARN audit journal drained at exit: 0 event\\(s\\) shipped to "
                + "PostgreSQL in \\d+ ms, left: 50 of this JVM's in " + journalDir + "/w-[0-9a-f-]{36} "
                + "\\((PostgreSQL: .*|the bulwark.audit.drain-timeout of 1000 ms passed)\\); they wait in the journal "
                + "for the next start with this data directory, or 'java -jar bulwark-agent.jar audit ship'\n.*"),
                run.toString());
        assertEquals(50, journal().size());
    }

    /** Starts a JVM that makes {@code calls} audited calls, waits until its journal holds them, and kills it -9. */
    private ForkedJvm.Running journaled(String jdbcUrl, int calls, long journalTotal) throws Exception {
        ForkedJvm.Running app = jvm(jdbcUrl).start(AuditApp.class.getName(), "burst", String.valueOf(calls));
        app.awaitLine("called " + calls, WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (journal().size() < journalTotal && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(journalTotal, journal().size());
        return app;
    }

    /**
     * Two JVMs sharing a data directory without PostgreSQL are killed, leaving two writers' journals; a third, with
     * PostgreSQL, takes one of them over as its own and, as it exits, ships the other too.
     */
    @Test
    void aJvmThatExitsAlsoShipsTheJournalsEarlierJvmsLeft() throws Exception {
        try (ForkedJvm.Running first = journaled(null, 200, 200);
                ForkedJvm.Running second = journaled(null, 300, 500)) {
            first.killHard();
            second.killHard();
        }
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_leftover");
        ForkedJvm.Result run = jvm(schema.jdbcUrl()).run(AuditApp.class, "exit", "10").assertExit(0);
        assertEquals(510, count(schema.jdbcUrl(), "SELECT count(DISTINCT id) FROM audit_logs"), run.toString());
        assertEquals(2, count(schema.jdbcUrl(), "SELECT count(*) FROM audit_writers"), run.toString());
        assertTrue(run.stderr().matches("(?s).*INFO audit journal drained at exit: \\d+ event\\(s\\) shipped to "
                + "PostgreSQL \\(\\d+ of them left by earlier JVMs\\) in \\d+ ms, none left\n.*"), run.toString());
        ForkedJvm.Result verified = command(schema.jdbcUrl(), "audit", "verify").assertExit(0);
        assertTrue(verified.stdout().contains("PostgreSQL: 510 events from 2 writer(s) checked"), verified.toString());
    }

    /**
     * A JVM that shipped its first 200 events is killed; the next, without PostgreSQL, journals 300 more and is killed
     * too. {@code audit verify} reports those 300 as a backlog (exit code 3), not as intact; {@code audit ship} cannot
     * reach a PostgreSQL that is down and says so (69), then ships them (0); then verify finds it all intact.
     */
    @Test
    void auditShipShipsWhatAKilledJvmLeftAndVerifyCallsItABacklogUntilThen() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_ship");
        try (ForkedJvm.Running shipping = journaled(schema.jdbcUrl(), 200, 200)) {
            awaitRows(schema.jdbcUrl(), 200);
            // The ship cursor follows the commit: killed between the two, the JVM would leave all 500 to ship (again).
            Path writerDir;
            try (Stream<Path> dirs = Files.list(dataDir.resolve("audit"))) {
                writerDir = dirs.filter(d -> d.getFileName().toString().startsWith("w-")).findFirst().orElseThrow();
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ShipCursor.read(writerDir) < 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            shipping.killHard();
        }
        try (ForkedJvm.Running offline = journaled(null, 300, 500)) {
            offline.killHard();
        }
        ForkedJvm.Result backlog = command(schema.jdbcUrl(), "audit", "verify").assertExit(3);
        assertTrue(backlog.stdout().contains("BACKLOG: nothing wrong was found, but 300 event(s) are not yet in "
                + "PostgreSQL"), backlog.toString());

        ForkedJvm.Result down = command("jdbc:postgresql://127.0.0.1:1/none?user=postgres", "audit", "ship")
                .assertExit(69);
        assertTrue(down.stdout().contains(": 0 event(s) shipped, 300 left: PostgreSQL at "), down.toString());
        assertEquals(200, count(schema.jdbcUrl(), "SELECT count(*) FROM audit_logs"));

        ForkedJvm.Result shipped = command(schema.jdbcUrl(), "audit", "ship").assertExit(0);
        assertTrue(shipped.stdout().contains("300 event(s) shipped to PostgreSQL at "), shipped.toString());
        assertTrue(shipped.stdout().contains("from 1 journal(s); none left"), shipped.toString());
        assertEquals(500, count(schema.jdbcUrl(), "SELECT count(DISTINCT id) FROM audit_logs"));
        ForkedJvm.Result intact = command(schema.jdbcUrl(), "audit", "verify").assertExit(0);
        assertTrue(intact.stdout().contains("PostgreSQL: 500 events from 1 writer(s) checked"), intact.toString());
        command(schema.jdbcUrl(), "audit", "ship").assertExit(0);
    }

    @Test
    void aJvmKilledWithSigkillLosesNothingThatReachedTheJournal() throws Exception {
        try (ForkedJvm.Running app = jvm(null).start(AuditApp.class.getName(), "burst", "500")) {
            app.awaitLine("called 500", WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (journal().size() < 500 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(500, journal().size());
            app.killHard();
        }
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_kill");
        try (ForkedJvm.Running restarted = jvm(schema.jdbcUrl()).start(AuditApp.class.getName(), "idle")) {
            awaitRows(schema.jdbcUrl(), 500);
        }
        assertEquals(500, count(schema.jdbcUrl(), "SELECT count(DISTINCT id) FROM audit_logs"));
        assertTrue(verify(schema.jdbcUrl()).intact());
    }

    @Test
    void aJvmKilledMidStreamShipsExactlyWhatItsJournalHoldsAfterARestart() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_midkill");
        try (ForkedJvm.Running app = jvm(schema.jdbcUrl()).start(AuditApp.class.getName(), "forever")) {
            app.awaitLine("called 20000", WAIT);
            // Killed while it writes: whatever is in the journal by now must arrive, a torn last write aside.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (AuditVerifier.verifyJournal(dataDir.resolve("audit")).events() < 20_000
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            app.killHard();
        }
        // It ships: segments already in PostgreSQL may have been deleted (fast enough, since callers no longer wait
        // for room in a heap queue).
        Report journal = AuditVerifier.verifyJournal(dataDir.resolve("audit"), Anchors.local(dataDir.resolve("audit")),
                null, true);
        // A write the kill cut short, never synced, is the one thing that may be wrong: no JVM writes the journal any
        // more, so the verifier reports it as damage (it cannot tell it from an edit), and the next start drops it.
        assertTrue(journal.findings().stream().allMatch(f -> f.kind() == Finding.Kind.DAMAGED
                && f.detail().contains("ends inside an event")) && journal.findings().size() <= 1,
                journal.findings().toString());
        // The chain's last number, not a count: segments already shipped may have been deleted.
        long journaled = lastSeq(dataDir.resolve("audit"));
        assertTrue(journaled >= 20_000, "journaled " + journaled);
        // What the journal holds, and the events its callers had staged but it had not yet taken (issue 14): the
        // restarted JVM journals those first, before its shipper starts, and says how many. Each arrives once.
        try (ForkedJvm.Running restarted = jvm(schema.jdbcUrl()).start(AuditApp.class.getName(), "idle")) {
            Pattern line = Pattern.compile(": (\\d+) event\\(s\\) staged by calls");
            long deadline = System.nanoTime() + WAIT.toNanos();
            Matcher recovered = line.matcher(restarted.stderr());
            boolean found;
            while (!(found = recovered.find()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                recovered = line.matcher(restarted.stderr());
            }
            assertTrue(found, "no line on what was staged\n" + restarted.stderr());
            awaitRows(schema.jdbcUrl(), journaled + Long.parseLong(recovered.group(1)));
        }
        assertEquals(count(schema.jdbcUrl(), "SELECT count(*) FROM audit_logs"),
                count(schema.jdbcUrl(), "SELECT count(DISTINCT id) FROM audit_logs"));
        Report database = verify(schema.jdbcUrl());
        assertTrue(database.intact(), database.findings().toString());
    }

    /** The sequence number of the newest event in the (one) writer's journal under {@code auditDir}. */
    private static long lastSeq(Path auditDir) throws IOException {
        long[] last = {0};
        JournalScan.scan(WriterDirectory.list(auditDir).get(0), new JournalScan.Visitor() {
            @Override
            public void event(SealedEvent event) {
                last[0] = Math.max(last[0], event.seq());
            }

            @Override
            public void damaged(Path segment, long position, String why) {
                throw new AssertionError(segment + " damaged at " + position + ": " + why);
            }

            @Override
            public void tornTail(Path segment, long position, String why) {
                // the write the kill cut short: not an event
            }
        });
        return last[0];
    }

    private ForkedJvm.Result command(String jdbcUrl, String... args) throws Exception {
        ForkedJvm cli = new ForkedJvm().withoutAgent().onlyClasspath(ForkedJvm.AGENT_JAR)
                .option("-Dbulwark.data-dir=" + dataDir);
        if (jdbcUrl != null) {
            cli.option("-Dbulwark.jdbc.url=" + jdbcUrl);
        }
        return cli.runMain("io.bulwark.agent.boot.AgentBoot", args);
    }

    /**
     * Events a killed JVM staged and never journalled are in neither store: {@code audit verify} reports them as a
     * backlog (exit code 3), not as intact, until {@code audit ship} journals and ships them (issue 14).
     */
    @Test
    void verifyCallsWhatAKilledJvmStagedABacklogUntilShipped() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_staged");
        List<UUID> ids = StagedLeftovers.leave(AuditSettings.defaults().withDataDir(dataDir)
                .withJdbc(new JdbcSettings(schema.jdbcUrl(), null, null, 2)), 4);
        // Nothing reached PostgreSQL yet (not even its tables): the journal alone is verified.
        ForkedJvm.Result backlog = command(null, "audit", "verify").assertExit(3);
        assertTrue(backlog.stdout().contains("BACKLOG: nothing wrong was found, but 4 staged event(s) are not yet in "
                + "the journal"), backlog.toString());

        command(schema.jdbcUrl(), "audit", "ship").assertExit(0);
        assertEquals(4, count(schema.jdbcUrl(), "SELECT count(DISTINCT id) FROM audit_logs"));
        ForkedJvm.Result intact = command(schema.jdbcUrl(), "audit", "verify").assertExit(0);
        assertTrue(intact.stdout().contains("PostgreSQL: " + ids.size() + " events from 1 writer(s) checked"),
                intact.toString());
        assertTrue(intact.stdout().contains("intact: every event is in place and unchanged"), intact.toString());
    }

    @Test
    void theCommandsTailQueryAndVerifyAndFindATamperedRow() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("audit_cli");
        try (ForkedJvm.Running app = jvm(schema.jdbcUrl()).start(AuditApp.class.getName(), "scenario")) {
            app.awaitLine("done", WAIT);
            awaitRows(schema.jdbcUrl(), 5);
        }
        ForkedJvm.Result tail = command(schema.jdbcUrl(), "audit", "tail", "-n", "2").assertExit(0);
        assertEquals(2, tail.lines().size(), tail.toString());
        assertTrue(tail.lines().get(1).contains("\"action\":\"transfer.create\""), tail.toString());
        ForkedJvm.Result query = command(null, "audit", "query", "--action", "user.login", "--user", "u-42",
                "--since", "1h").assertExit(0);
        assertEquals(4, query.lines().size(), "from the journal: " + query);

        ForkedJvm.Result intact = command(schema.jdbcUrl(), "audit", "verify").assertExit(0);
        assertTrue(intact.stdout().contains("PostgreSQL: 5 events from 1 writer(s) checked"), intact.toString());
        assertTrue(intact.stdout().contains("journal " + dataDir.resolve("audit") + ": 5 events"), intact.toString());

        ForkedJvm.Result ocsf = command(null, "audit", "export", "--format", "ocsf", "--service", "shop")
                .assertExit(0);
        assertEquals(5, ocsf.lines().size(), ocsf.toString());
        for (String line : ocsf.lines()) {
            assertEquals(List.of(), OcsfRequired.problems(line), line);
        }
        assertTrue(ocsf.lines().get(0).contains("\"class_uid\":3002"), ocsf.lines().get(0));
        assertTrue(ocsf.lines().get(4).contains("\"class_uid\":6003"), ocsf.lines().get(4));

        // Whoever holds the database writes a terminal's escape sequences into a row; every command prints them
        // escaped, and verify finds the row changed.
        try (Connection c = DriverManager.getConnection(schema.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("UPDATE audit_logs SET user_agent = E'\\x1b[2J\\x1b]0;pwned\\x07' || chr(155) || chr(8238) "
                    + "WHERE status = 'denied'");
        }
        ForkedJvm.Result tampered = command(schema.jdbcUrl(), "audit", "verify").assertExit(1);
        assertTrue(tampered.stdout().contains("FIRST PROBLEM CHANGED writer "), tampered.toString());
        assertTrue(tampered.stdout().contains(" #4: its contents do not hash to its stored hash"), tampered.toString());
        for (ForkedJvm.Result printed : List.of(command(schema.jdbcUrl(), "audit", "tail").assertExit(0),
                command(schema.jdbcUrl(), "audit", "export", "--format", "jsonl").assertExit(0),
                command(schema.jdbcUrl(), "audit", "export", "--format", "ocsf").assertExit(0))) {
            assertTrue(printed.stdout().contains("\\u001b[2J\\u001b]0;pwned\\u0007\\u009b\\u202e"), printed.toString());
            assertTrue(printed.stdout().chars().noneMatch(ch -> ch == 0x1b || ch == 0x07 || ch == 0x9b || ch == 0x202e),
                    "a raw control character reached the terminal:\n" + printed);
        }
    }

    @Test
    void whateverTheUmaskTheDataDirectoryIsOwnerOnlyAndOneOthersCanWriteStopsStartup() throws Exception {
        try (ForkedJvm.Running app = jvm(null).umask("000").start(AuditApp.class.getName(), "burst", "3")) {
            app.awaitLine("called 3", WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            // The checkpoint follows the events' fsync.
            while ((journal().size() < 3 || Checkpoints.files(dataDir.resolve("audit")).isEmpty())
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(3, journal().size());
        }
        List<String> seen = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.filter(p -> !p.startsWith(dataDir.resolve("build"))).toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode, p.toString());
                seen.add(dataDir.relativize(p).toString().replaceAll("w-[0-9a-f-]{36}", "w-WRITER")
                        .replaceAll("\\d{20}", "N"));
            }
        }
        for (String expected : List.of("audit", "audit/chain.key", "audit/hash.key", "audit/w-WRITER/N.journal",
                "audit/w-WRITER/lock", "audit/checkpoints/w-WRITER.journal")) {
            assertTrue(seen.contains(expected), expected + " in " + seen);
        }

        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        ForkedJvm.Result refused = jvm(null).run(AuditApp.class, "burst", "1").assertExit(78);
        assertTrue(refused.stderr().contains("bulwark.data-dir (system property) '" + dataDir
                + "' is writable by every user (mode 777)"), refused.toString());
        assertFalse(refused.stdout().contains("called"), "the application must not have started:\n" + refused);
    }

    @Test
    void withoutTheProcessorAnAuditedMethodIsFoundByTheScanAndASecretLookingParameterIsMasked() throws Exception {
        Path classes = Javac.compile(dataDir.resolve("build"), List.of("-parameters"), "com/acme/Plain.java", """
                package com.acme;
                import io.bulwark.*;
                public class Plain {
                    @Audited(action = "user.login", resourceId = "{email}")
                    static void login(String email, String password) { }
                    public static void main(String[] args) throws Exception {
                        login("ann@example.com", "hunter2hunter2");
                        System.out.println("done");
                        Thread.sleep(60_000);
                    }
                }
                """);
        try (ForkedJvm.Running app = jvm(null).option("-Dbulwark.scan=annotations")
                .onlyClasspath(classes, ForkedJvm.ANNOTATIONS_JAR).start("com.acme.Plain")) {
            app.awaitLine("done", WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (journal().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        List<AuditEvent> events = journal();
        assertEquals(1, events.size());
        assertEquals("{\"args\":{\"email\":\"ann@example.com\",\"password\":\"[redacted]\"}}", events.get(0).changes());
    }
}
