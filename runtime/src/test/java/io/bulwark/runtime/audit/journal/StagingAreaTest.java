package io.bulwark.runtime.audit.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staging area as a process that dies would leave it: a second {@link StagingArea} opened on the same file while
 * the first is still mapped sees exactly what a later JVM sees after a kill -9 (the kernel keeps a shared mapping's
 * pages; nothing here is flushed by hand).
 */
class StagingAreaTest {

    private static final int CAPACITY = StagingArea.MIN_CAPACITY;

    @TempDir
    Path dir;

    private static byte[] payload(int n, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (n * 31 + i);
        }
        return b;
    }

    /** Stages {@code payload} as a caller does; the position. */
    private static long stage(StagingArea area, byte[] payload) {
        long position = area.reserve(payload.length);
        area.bytes().put(area.payloadAt(position), payload, 0, payload.length);
        area.commit(position, payload.length);
        return position;
    }

    private static List<byte[]> leftovers(StagingArea area) throws IOException {
        List<byte[]> found = new ArrayList<>();
        area.leftovers((at, length) -> {
            byte[] b = new byte[length];
            area.bytes().get(at, b, 0, length);
            found.add(b);
        });
        return found;
    }

    private static List<byte[]> drain(StagingArea area) throws IOException {
        List<byte[]> found = new ArrayList<>();
        area.drain((at, length) -> {
            byte[] b = new byte[length];
            area.bytes().get(at, b, 0, length);
            found.add(b);
        }, Integer.MAX_VALUE);
        return found;
    }

    @Test
    void whatWasStagedAndNotReleasedIsFoundByTheNextOpenInOrder() throws IOException {
        StagingArea dead = StagingArea.open(dir, CAPACITY);
        dead.restart(0);
        for (int i = 0; i < 3; i++) {
            stage(dead, payload(i, 100 + i));
        }
        StagingArea next = StagingArea.open(dir, CAPACITY);
        List<byte[]> found = leftovers(next);
        assertEquals(3, found.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(payload(i, 100 + i), found.get(i));
        }
        assertEquals(0, next.leftoverSeq());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(next.file())));
    }

    @Test
    void aThreadKilledBetweenReservingAndCommittingHidesNothingStagedAfterIt() throws IOException {
        StagingArea dead = StagingArea.open(dir, CAPACITY);
        dead.restart(0);
        long torn = dead.reserve(500);
        // Half its payload written, never committed: its call never returned.
        dead.bytes().put(dead.payloadAt(torn), payload(9, 250), 0, 250);
        stage(dead, payload(1, 64));
        dead.reserve(40);
        stage(dead, payload(2, 7));
        List<byte[]> found = leftovers(StagingArea.open(dir, CAPACITY));
        assertEquals(2, found.size());
        assertArrayEquals(payload(1, 64), found.get(0));
        assertArrayEquals(payload(2, 7), found.get(1));
    }

    @Test
    void releasedRecordsAreNotFoundAgainAndTheJournalsSequenceNumberIsKept() throws IOException {
        StagingArea dead = StagingArea.open(dir, CAPACITY);
        dead.restart(0);
        stage(dead, payload(1, 10));
        stage(dead, payload(2, 10));
        assertEquals(2, drain(dead).size());
        dead.release(42);
        stage(dead, payload(3, 10));
        StagingArea next = StagingArea.open(dir, CAPACITY);
        List<byte[]> found = leftovers(next);
        assertEquals(1, found.size());
        assertArrayEquals(payload(3, 10), found.get(0));
        assertEquals(42, next.leftoverSeq());
    }

    @Test
    void aRecordChangedOnDiskIsNotRecovered() throws IOException {
        StagingArea dead = StagingArea.open(dir, CAPACITY);
        dead.restart(0);
        long position = stage(dead, payload(1, 100));
        stage(dead, payload(2, 100));
        int at = dead.payloadAt(position) + 50;
        dead.bytes().put(at, (byte) (dead.bytes().get(at) ^ 1));
        List<byte[]> found = leftovers(StagingArea.open(dir, CAPACITY));
        assertEquals(1, found.size());
        assertArrayEquals(payload(2, 100), found.get(0));
    }

    @Test
    void recordsGoRoundTheRingAndAfterARestartNothingOldComesBack() throws IOException {
        StagingArea area = StagingArea.open(dir, CAPACITY);
        area.restart(0);
        int length = CAPACITY / 7;
        // Three laps of the ring, the journal releasing as it goes: each record read back as written.
        for (int i = 0; i < 21; i++) {
            stage(area, payload(i, length));
            List<byte[]> drained = drain(area);
            assertEquals(1, drained.size());
            assertArrayEquals(payload(i, length), drained.get(0));
            area.release(i + 1);
        }
        stage(area, payload(100, length));
        stage(area, payload(101, length));
        StagingArea next = StagingArea.open(dir, CAPACITY);
        List<byte[]> found = leftovers(next);
        assertEquals(2, found.size());
        assertArrayEquals(payload(100, length), found.get(0));
        assertArrayEquals(payload(101, length), found.get(1));
        assertEquals(21, next.leftoverSeq());
        next.restart(23);
        // Journalled and cleared: a third start finds nothing, and the ring takes records again.
        StagingArea third = StagingArea.open(dir, CAPACITY);
        assertEquals(0, third.leftoverCount());
        assertEquals(23, third.leftoverSeq());
        third.restart(23);
        stage(third, payload(7, 10));
        assertArrayEquals(payload(7, 10), drain(third).get(0));
    }

    @Test
    void aFullRingRefusesRoomUntilTheJournalReleasesSome() throws IOException {
        StagingArea area = StagingArea.open(dir, CAPACITY);
        area.restart(0);
        int length = area.maxPayload();
        int staged = 0;
        long position;
        while ((position = area.reserve(length)) >= 0) {
            area.commit(position, length);
            staged++;
        }
        assertTrue(staged >= 3 && staged <= 4, "staged " + staged);
        assertEquals(-1, area.reserve(16));
        assertEquals(staged, drain(area).size());
        assertEquals(-1, area.reserve(16), "drained is not yet durable in the journal");
        area.release(staged);
        assertTrue(area.reserve(length) >= 0);
    }
}
