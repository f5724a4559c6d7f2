package io.bulwark.runtime.audit.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {

    @TempDir
    Path auditDir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private static List<AuditEvent> events(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(Events::login).toList();
    }

    private static List<SealedEvent> readAll(Path writerDir) throws IOException {
        try (JournalReader reader = new JournalReader(writerDir)) {
            return reader.next(0, Long.MAX_VALUE, Integer.MAX_VALUE);
        }
    }

    @Test
    void eventsAreNumberedFromOneAndChained() throws IOException {
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            List<SealedEvent> sealed = journal.append(events(0, 3));
            journal.sync();
            assertEquals(List.of(1L, 2L, 3L), sealed.stream().map(SealedEvent::seq).toList());
            assertTrue(Arrays.equals(EventCodec.genesis(), sealed.get(0).prevHash()));
            assertTrue(Arrays.equals(sealed.get(0).hash(), sealed.get(1).prevHash()));
            assertEquals(3, journal.durableSeq());
            assertEquals(sealed, readAll(journal.directory()));
        }
    }

    @Test
    void reopeningGoesOnWithTheSameChain() throws IOException {
        Path dir;
        SealedEvent last;
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            dir = journal.directory();
            last = journal.append(events(0, 5)).get(4);
            journal.sync();
        }
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            assertEquals(dir, journal.directory());
            SealedEvent next = journal.append(events(5, 1)).get(0);
            assertEquals(6, next.seq());
            assertTrue(Arrays.equals(last.hash(), next.prevHash()));
        }
    }

    @Test
    void aSecondJournalOnTheSameDataDirectoryWritesItsOwnChain() throws IOException {
        try (JournalWriter first = JournalWriter.open(auditDir); JournalWriter second = JournalWriter.open(auditDir)) {
            assertNotEquals(first.writer(), second.writer());
            assertNotEquals(first.directory(), second.directory());
            assertEquals(1, second.append(events(0, 1)).get(0).seq());
        }
    }

    @Test
    void aLastWriteCutShortIsDroppedOnOpenAndTheChainGoesOn() throws IOException {
        Path dir;
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            dir = journal.directory();
            journal.append(events(0, 3));
            journal.sync();
        }
        Path segment = JournalFiles.segments(dir).get(0);
        long whole = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer half = ByteBuffer.allocate(40).putInt(500).putInt(1234);
            channel.write(half.rewind());
        }
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            assertEquals(whole, Files.size(segment));
            assertEquals(4, journal.append(events(3, 1)).get(0).seq());
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("its last write was cut short"), log.toString());
        assertEquals(4, readAll(dir).size());
    }

    @Test
    void damageBeforeTheEndStopsTheJournalFromAppendingAfterIt() throws IOException {
        Path dir;
        try (JournalWriter journal = JournalWriter.open(auditDir)) {
            dir = journal.directory();
            journal.append(events(0, 3));
            journal.sync();
        }
        Path segment = JournalFiles.segments(dir).get(0);
        long second = JournalFiles.frameStarts(segment).get(1);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {'X'}), second + 100);
        }
        JournalDamagedException e = assertThrows(JournalDamagedException.class, () -> JournalWriter.open(auditDir));
        assertTrue(e.getMessage().contains("is damaged at byte " + second), e.getMessage());
    }

    @Test
    void segmentsRotateAndAreReadAcrossInOrder() throws IOException {
        Path dir;
        try (JournalWriter journal = JournalWriter.open(auditDir, 1_000)) {
            dir = journal.directory();
            for (int i = 0; i < 20; i++) {
                journal.append(events(i, 1));
            }
            journal.sync();
        }
        assertTrue(JournalFiles.segments(dir).size() > 3, JournalFiles.segments(dir).toString());
        try (JournalReader reader = new JournalReader(dir)) {
            List<SealedEvent> read = new ArrayList<>();
            read.addAll(reader.next(0, 20, 7));
            read.addAll(reader.next(7, 20, 100));
            assertEquals(IntStream.rangeClosed(1, 20).boxed().map(Long::valueOf).toList(),
                    read.stream().map(SealedEvent::seq).toList());
        }
        try (JournalReader reader = new JournalReader(dir)) {
            assertEquals(List.of(15L, 16L), reader.next(14, 16, 10).stream().map(SealedEvent::seq).toList());
        }
    }

    @Test
    void aReaderBesideTheWriterFollowsItThroughTheSegmentItIsInAndTheNextOnes() throws IOException {
        try (JournalWriter journal = JournalWriter.open(auditDir, 5_000);
                JournalReader reader = new JournalReader(journal.directory())) {
            journal.append(events(0, 3));
            journal.sync();
            List<Long> read = new ArrayList<>();
            reader.next(0, journal.durable(), 100).forEach(e -> read.add(e.seq()));
            // The writer goes on in the segment the reader is in, then rotates, several times.
            for (int i = 3; i < 60; i++) {
                journal.append(events(i, 1));
                journal.sync();
                if (i % 9 == 0) {
                    reader.next(read.get(read.size() - 1), journal.durable(), 4).forEach(e -> read.add(e.seq()));
                }
            }
            assertTrue(JournalFiles.segments(journal.directory()).size() > 3);
            List<EncodedEvent> rest;
            while (!(rest = reader.next(read.get(read.size() - 1), journal.durable(), 7)).isEmpty()) {
                rest.forEach(e -> read.add(e.seq()));
            }
            assertEquals(LongStream.rangeClosed(1, 60).boxed().toList(), read);
        }
    }

    @Test
    void shippedSegmentsAreDeletedButNeverTheNewest() throws IOException {
        Path dir;
        try (JournalWriter journal = JournalWriter.open(auditDir, 1_000)) {
            dir = journal.directory();
            for (int i = 0; i < 20; i++) {
                journal.append(events(i, 1));
            }
            journal.sync();
        }
        int before = JournalFiles.segments(dir).size();
        JournalWriter.deleteThrough(dir, 20);
        assertEquals(1, JournalFiles.segments(dir).size(), "of " + before);
        try (JournalReader reader = new JournalReader(dir)) {
            List<SealedEvent> rest = reader.next(0, 20, 100);
            assertEquals(20, rest.get(rest.size() - 1).seq());
        }
        try (JournalWriter journal = JournalWriter.open(auditDir, 1_000)) {
            assertEquals(21, journal.append(events(20, 1)).get(0).seq());
        }
    }

    @Test
    void retentionDeletesOnlySegmentsWhollyOlderThanTheCutoff() throws IOException {
        Path dir;
        try (JournalWriter journal = JournalWriter.open(auditDir, 1_000)) {
            dir = journal.directory();
            for (int i = 0; i < 20; i++) {
                journal.append(events(i * 60, 1));
            }
            journal.sync();
        }
        long tenthEvent = Events.login(9 * 60).occurredAtMicros();
        int deleted = Retention.expire(dir, tenthEvent);
        assertTrue(deleted > 0);
        try (JournalReader reader = new JournalReader(dir)) {
            List<SealedEvent> left = reader.next(0, 20, 100);
            assertTrue(left.get(0).event().occurredAtMicros() < tenthEvent, "an event at or after the cutoff is kept");
            assertTrue(left.stream().anyMatch(e -> e.seq() == 10));
        }
    }
}
