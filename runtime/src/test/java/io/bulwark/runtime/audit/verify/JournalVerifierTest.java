package io.bulwark.runtime.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.journal.JournalFiles;
import io.bulwark.runtime.audit.journal.JournalWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalVerifierTest {

    @TempDir
    Path auditDir;
    private Path segment;

    @BeforeEach
    void tenEvents() throws IOException {
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            journal.append(IntStream.range(0, 10).mapToObj(Events::login).toList());
            journal.sync();
            segment = JournalFiles.segments(journal.directory()).get(0);
        }
    }

    private Finding only(Report report) {
        assertTrue(!report.findings().isEmpty(), "expected a finding");
        return report.findings().get(0);
    }

    @Test
    void anUntouchedJournalIsIntact() throws IOException {
        Report report = AuditVerifier.verifyJournal(auditDir);
        assertTrue(report.intact(), report.findings().toString());
        assertEquals(10, report.events());
        assertEquals(1, report.writers());
    }

    @Test
    void anEventChangedWithItsChecksumFixedIsFoundAsChanged() throws IOException {
        JournalFiles.rewrite(segment, 4, "user.login", "user.logon");
        Finding first = only(AuditVerifier.verifyJournal(auditDir));
        assertEquals(Finding.Kind.CHANGED, first.kind());
        assertEquals(5, first.seq());
    }

    @Test
    void aRemovedEventIsFoundAsMissing() throws IOException {
        JournalFiles.remove(segment, 6);
        Finding first = only(AuditVerifier.verifyJournal(auditDir));
        assertEquals(Finding.Kind.MISSING, first.kind());
        assertEquals(7, first.seq());
        assertEquals("event #7 is missing", first.detail());
    }

    @Test
    void swappedEventsAreFoundAsReordered() throws IOException {
        JournalFiles.swap(segment, 2, 3);
        Report report = AuditVerifier.verifyJournal(auditDir);
        assertEquals(List.of(Finding.Kind.MISSING, Finding.Kind.REORDERED),
                report.findings().stream().map(Finding::kind).toList().subList(0, 2), report.findings().toString());
        assertEquals(3, report.findings().get(0).seq());
    }

    @Test
    void aChecksumMismatchIsFoundAsDamage() throws IOException {
        java.nio.file.Files.write(segment, flip(java.nio.file.Files.readAllBytes(segment),
                (int) (long) JournalFiles.frameStarts(segment).get(3) + 90));
        Finding first = only(AuditVerifier.verifyJournal(auditDir));
        assertEquals(Finding.Kind.DAMAGED, first.kind());
        assertEquals(4, first.seq());
    }

    private static byte[] flip(byte[] bytes, int at) {
        bytes[at] ^= 0x01;
        return bytes;
    }
}
