package io.bulwark.runtime.audit.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.journal.JournalDamagedException;
import io.bulwark.runtime.audit.journal.JournalFiles;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's own tail (issue 14): cut after a frame, a byte of the last frame changed, a frame's length edited.
 * Before, each verified as intact (a "torn" last write at most) and the next start cut the fsynced events off and
 * numbered new ones as they were numbered. Now each is damage to {@code audit verify} once no JVM writes the journal,
 * and recovery refuses to go on below what a checkpoint (or PostgreSQL's commit) shows was durable.
 */
class JournalTailTest {

    @TempDir
    Path auditDir;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Path segment;

    @BeforeEach
    void tenEventsSyncedAndClosed() throws IOException {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (JournalWriter journal = JournalWriter.open(auditDir, 1L << 20, ChainKey.local(auditDir),
                Checkpoints.Policy.DEFAULT)) {
            journal.append(IntStream.range(0, 10).mapToObj(i -> Events.login("u" + i, 1_700_000_000_000_000L + i))
                    .toList());
            journal.sync();
        }
        List<Path> segments = JournalFiles.segments(only(auditDir));
        assertEquals(1, segments.size());
        segment = segments.get(0);
        assertTrue(verify().intact(), verify().findings().toString());
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private static Path only(Path auditDir) throws IOException {
        try (var dirs = Files.list(auditDir)) {
            List<Path> writers = dirs.filter(d -> d.getFileName().toString().startsWith("w-")).toList();
            assertEquals(1, writers.size(), writers.toString());
            return writers.get(0);
        }
    }

    private Report verify() throws IOException {
        return AuditVerifier.verifyJournal(auditDir, Anchors.local(auditDir), Duration.ofDays(90), false);
    }

    private void assertDamaged(String detail) throws IOException {
        Report report = verify();
        assertTrue(report.tampered(), "expected damage: " + report.findings() + " " + report.notes());
        assertTrue(report.findings().stream().anyMatch(f -> f.detail().contains(detail)), report.findings()
                .toString());
    }

    /** The next start refuses to go on: the events it would number next were fsynced before. */
    private void assertRecoveryRefuses(String why) throws IOException {
        long size = Files.size(segment);
        JournalDamagedException e = assertThrows(JournalDamagedException.class, () -> JournalWriter.open(auditDir));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertEquals(size, Files.size(segment), "recovery must not cut the journal");
    }

    private void writeInt(long at, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).putInt(0, value), at);
        }
    }

    @Test
    void cuttingTheFileAfterAFrameIsFoundAndRecoveryDoesNotNumberOverIt() throws IOException {
        List<Long> starts = JournalFiles.frameStarts(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(starts.get(8));
        }
        assertDamaged("events #9 to #10 are missing from the end");
        assertRecoveryRefuses("ends at event #8, but event #10 was made durable");
    }

    @Test
    void aByteOfTheLastFrameChangedIsDamageNotATornWrite() throws IOException {
        List<Long> starts = JournalFiles.frameStarts(segment);
        long inLast = starts.get(9) + 8 + 70;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, inLast);
            channel.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0x20)}), inLast);
        }
        assertDamaged("a checksum mismatch");
        assertRecoveryRefuses("is damaged at byte " + starts.get(9));
    }

    @Test
    void aFramesLengthEditedToRunPastTheEndIsFoundAndRecoveryDoesNotCutThere() throws IOException {
        List<Long> starts = JournalFiles.frameStarts(segment);
        writeInt(starts.get(4), (int) Files.size(segment));
        assertDamaged("ends inside an event at byte " + starts.get(4));
        assertRecoveryRefuses("is damaged at byte " + starts.get(4));
    }

    @Test
    void aFramesLengthEditedToWhatNoWriterWritesIsDamageWhereverItIs() throws IOException {
        List<Long> starts = JournalFiles.frameStarts(segment);
        for (int length : new int[] {0, -1, Integer.MAX_VALUE}) {
            writeInt(starts.get(9), length);
            assertDamaged("a frame length of " + length);
            assertRecoveryRefuses("is damaged at byte " + starts.get(9));
        }
    }

    @Test
    void withTheCheckpointDeletedTooTheShipCursorStillKeepsRecoveryAboveWhatWasDurable() throws IOException {
        Path writerDir = only(auditDir);
        Files.writeString(writerDir.resolve("shipped"), "10\n");
        for (Path checkpoint : Checkpoints.files(auditDir)) {
            Files.delete(checkpoint);
        }
        List<Long> starts = JournalFiles.frameStarts(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(starts.get(7));
        }
        assertRecoveryRefuses("ends at event #7, but event #10 was made durable");
    }

    @Test
    void aWriteCutShortAfterTheDurableEventsIsStillDroppedAndTheChainGoesOn() throws IOException {
        long whole = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.allocate(40).putInt(0, 500).putInt(4, 1234));
        }
        assertDamaged("ends inside an event at byte " + whole);
        // Held by a running writer, the same tail is a frame being written: a note, not damage.
        try (WriterDirectory held = WriterDirectory.tryLock(only(auditDir))) {
            Report report = verify();
            assertTrue(report.intact(), report.findings().toString());
            assertTrue(report.notes().stream().anyMatch(n -> n.contains("a write in progress")), report.notes()
                    .toString());
        }
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            assertEquals(whole, Files.size(segment));
            assertEquals(11, journal.append(List.of(Events.login("u", 1_700_000_000_000_100L))).get(0).seq());
            journal.sync();
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("its last write was cut short"), log.toString());
        assertTrue(verify().intact(), verify().findings().toString());
    }
}
