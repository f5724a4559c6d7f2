package io.bulwark.runtime.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.journal.JournalFiles;
import io.bulwark.runtime.audit.journal.JournalForger;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal is the store when there is no PostgreSQL: the same attacks as on the database, on its files. Each of
 * these verified "intact" before the chain was keyed and anchored (issue 14).
 */
class JournalForgeryTest {

    private static final Duration RETENTION = Duration.ofDays(90);

    @TempDir
    Path auditDir;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Path writerDir;

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    /** {@code events} in a journal of small segments (a few events each), synced once, closed. */
    private List<Path> journal(List<AuditEvent> events) throws IOException {
        try (JournalWriter journal = JournalWriter.open(auditDir, 1_500, ChainKey.local(auditDir),
                Checkpoints.Policy.DEFAULT)) {
            for (AuditEvent e : events) {
                journal.append(List.of(e));
            }
            journal.sync();
            writerDir = journal.directory();
        }
        return JournalFiles.segments(writerDir);
    }

    private Report verify() throws IOException {
        return AuditVerifier.verifyJournal(auditDir, Anchors.local(auditDir), RETENTION, false);
    }

    private static Finding first(Report report) {
        assertTrue(report.tampered(), "expected tampering to be found: " + report.findings() + " " + report.notes());
        return report.findings().get(0);
    }

    @Test
    void deletingTheOldestSegmentOfRecentEventsIsFound() throws IOException {
        List<Path> segments = journal(IntStream.range(0, 20).mapToObj(i -> Events.login("u" + i, recent(i))).toList());
        assertTrue(segments.size() > 2, segments.toString());
        assertTrue(verify().intact());
        Files.delete(segments.get(0));
        Finding first = first(verify());
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(1, first.seq());
    }

    @Test
    void segmentsOlderThanTheRetentionMayGo() throws IOException {
        long old = Instant.now().minus(Duration.ofDays(200)).getEpochSecond() * 1_000_000L;
        List<Path> segments = journal(IntStream.range(0, 20).mapToObj(i -> Events.login("u" + i, old + i)).toList());
        Files.delete(segments.get(0));
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("older than the retention")), report.notes()
                .toString());
    }

    @Test
    void anEventRewrittenWithEveryHashAfterItRecomputedIsFound() throws IOException {
        List<Path> segments = journal(IntStream.range(0, 5).mapToObj(i -> Events.login("u" + i, recent(i))).toList());
        JournalForger.rewrite(segments.get(0), 1, e -> new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(),
                "mallory", e.userEmail(), e.roles(), e.action(), e.resourceType(), e.resourceId(), e.resourceName(),
                e.changes(), e.ipAddress(), e.userAgent(), e.requestId(), e.status(), e.errorMessage(),
                e.durationMicros()));
        Finding first = first(verify());
        assertEquals(Finding.Kind.CHANGED, first.kind());
        assertEquals(first.seq(), AuditVerifier.verifyJournal(auditDir).findings().get(0).seq());
    }

    @Test
    void theNewestEventsCutAwayAreFoundByTheCheckpoint() throws IOException {
        List<Path> segments = journal(IntStream.range(0, 20).mapToObj(i -> Events.login("u" + i, recent(i))).toList());
        Path newest = segments.get(segments.size() - 1);
        Files.delete(newest);
        Path cut = segments.get(segments.size() - 2);
        List<Long> starts = JournalFiles.frameStarts(cut);
        try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            channel.truncate(starts.get(starts.size() - 2));
        }
        Finding first = first(verify());
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertTrue(first.detail().contains("missing from the end") && first.detail().contains("#20 stored"),
                first.detail());
    }

    @Test
    void aWholeWriterRemovedIsFoundByItsCheckpointInTheLog() throws IOException {
        journal(IntStream.range(0, 3).mapToObj(i -> Events.login("u" + i, recent(i))).toList());
        Path appLog = Files.write(auditDir.getParent().resolve("app-" + System.nanoTime() + ".log"),
                log.toByteArray());
        try (Stream<Path> files = Files.walk(writerDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        for (Path f : Checkpoints.files(auditDir)) {
            Files.delete(f);
        }
        Report report = AuditVerifier.verifyJournal(auditDir, Anchors.local(auditDir).read(appLog), RETENTION, false);
        Finding first = first(report);
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertTrue(first.detail().startsWith("its journal directory is gone"), first.detail());
    }

    @Test
    void aJournalVerifiedWithoutItsKeyIsNotProvenRatherThanIntact() throws IOException {
        journal(IntStream.range(0, 3).mapToObj(i -> Events.login("u" + i, recent(i))).toList());
        Report report = AuditVerifier.verifyJournal(auditDir, Anchors.of(List.of()), RETENTION, false);
        assertFalse(report.intact());
        assertFalse(report.tampered(), report.findings().toString());
    }

    private static long recent(int i) {
        return Instant.now().minus(Duration.ofHours(1)).getEpochSecond() * 1_000_000L + i;
    }

    @Test
    void aJournalFromBeforeTheChainWasKeyedGoesOnKeyedAndIsProvenFromThenOn() throws IOException {
        List<Path> segments = journal(IntStream.range(0, 3).mapToObj(i -> Events.login("u" + i, recent(i))).toList());
        // As an earlier Bulwark wrote it: the unkeyed SHA-256 chain, and no checkpoint (had this one been kept, it
        // would say the chain was rewritten, which is what happened here).
        JournalForger.rewrite(segments.get(0), 0, e -> e);
        assertTrue(verify().tampered());
        for (Path checkpoint : Checkpoints.files(auditDir)) {
            Files.delete(checkpoint);
        }
        Report unkeyed = verify();
        assertFalse(unkeyed.tampered(), unkeyed.findings().toString());
        assertEquals(Finding.Kind.UNVERIFIED, unkeyed.findings().get(0).kind());
        try (JournalWriter journal = JournalWriter.open(auditDir, ChainKey.local(auditDir),
                Checkpoints.Policy.DEFAULT)) {
            journal.append(List.of(Events.login("u3", recent(3))));
            journal.sync();
        }
        Report report = verify();
        assertTrue(report.intact(), report.findings().toString());
        assertEquals(4, report.events());
    }
}
