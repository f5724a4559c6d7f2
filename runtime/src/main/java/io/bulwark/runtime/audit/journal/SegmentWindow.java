package io.bulwark.runtime.audit.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads one segment forward through a buffer of a megabyte, so that a frame costs a few array reads rather than three
 * system calls (size, header, payload) and two buffers: shipping reads every event once, tens of thousands a second.
 * It never reads at or past the limit the caller gives (a writer's durable mark), so it never holds bytes that are
 * still being written; bytes before the mark do not change.
 */
final class SegmentWindow {

    private static final int SIZE = 1 << 20;

    private final FileChannel channel;
    private byte[] bytes = new byte[SIZE];
    /** The file position of {@code bytes[0]}. */
    private long start;
    /** How many bytes of {@code bytes} hold the file's, from {@code start}. */
    private int filled;

    SegmentWindow(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Whether bytes {@code [at, at + n)} are in the file below {@code limit}, reading them in when they are not held
     * yet; false when the file or the limit ends first.
     */
    boolean holds(long at, int n, long limit) throws IOException {
        if (at + n > limit) {
            return false;
        }
        if (at >= start && at + n <= start + filled) {
            return true;
        }
        if (at >= start && at < start + filled) {
            int kept = (int) (start + filled - at);
            System.arraycopy(bytes, (int) (at - start), bytes, 0, kept);
            filled = kept;
        } else {
            filled = 0;
        }
        start = at;
        if (n > bytes.length) {
            byte[] larger = new byte[Math.max(n, bytes.length * 2)];
            System.arraycopy(bytes, 0, larger, 0, filled);
            bytes = larger;
        }
        while (filled < n) {
            int want = (int) Math.min(bytes.length - filled, limit - (start + filled));
            int read = channel.read(ByteBuffer.wrap(bytes, filled, want), start + filled);
            if (read < 0) {
                return false;
            }
            filled += read;
        }
        return true;
    }

    /** The big-endian int at {@code at}, which {@link #holds} has read in. */
    int intAt(long at) {
        int i = (int) (at - start);
        return (bytes[i] & 0xFF) << 24 | (bytes[i + 1] & 0xFF) << 16 | (bytes[i + 2] & 0xFF) << 8 | bytes[i + 3] & 0xFF;
    }

    int crc32c(long at, int n) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, (int) (at - start), n);
        return (int) crc.getValue();
    }

    byte[] copy(long at, int n) {
        byte[] out = new byte[n];
        System.arraycopy(bytes, (int) (at - start), out, 0, n);
        return out;
    }
}
