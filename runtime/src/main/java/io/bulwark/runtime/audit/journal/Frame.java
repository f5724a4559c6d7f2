package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.Bytes;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/** Writes and reads one journal frame (see {@link Segments}). */
final class Frame {

    static final int HEADER = 8;
    static final int MAX_PAYLOAD = EventCodec.HASH_LENGTH * 2 + (4 << 20);

    private Frame() {
    }

    /**
     * Completes the frame that starts at {@code frameAt} in {@code frames} and runs to its end: the frame header and
     * the two hashes were skipped there, and the event's encoding written after them.
     */
    static void seal(Bytes frames, int frameAt, byte[] prevHash, byte[] hash) {
        int payloadAt = frameAt + HEADER;
        frames.put(payloadAt, prevHash);
        frames.put(payloadAt + EventCodec.HASH_LENGTH, hash);
        CRC32C crc = new CRC32C();
        crc.update(frames.array(), payloadAt, frames.size() - payloadAt);
        frames.putInt(frameAt, frames.size() - payloadAt);
        frames.putInt(frameAt + 4, (int) crc.getValue());
    }

    /** What reading a frame at a position found. */
    sealed interface Read permits Found, FoundEncoded, End, Torn, Damaged {
    }

    /** A whole frame, and where the next one starts. */
    record Found(SealedEvent sealed, long next) implements Read {
    }

    /** A whole frame, its event left undecoded ({@link #readEncoded}), and where the next one starts. */
    record FoundEncoded(EncodedEvent event, long next) implements Read {
    }

    /** Nothing more: the file ends here. */
    record End() implements Read {
    }

    /** The file ends inside a frame: a write cut short (a crash, a full disk). */
    record Torn(String why) implements Read {
    }

    /** A whole frame that does not check out: changed on disk. */
    record Damaged(String why) implements Read {
    }

    static Read read(FileChannel channel, long position) throws IOException {
        long size = channel.size();
        if (position >= size) {
            return new End();
        }
        if (size - position < HEADER) {
            return new Torn((size - position) + " bytes where a frame header was expected");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(channel, header, position);
        int length = header.getInt(0);
        int crc = header.getInt(4);
        if (length == 0 && crc == 0 && allZero(channel, position, size)) {
            // A file system may leave zeros after a crash where the last write did not land.
            return new Torn("zero-filled tail");
        }
        if (length < 2 * EventCodec.HASH_LENGTH || length > MAX_PAYLOAD) {
            // No writer ever wrote such a length, and a write cut short leaves a whole header or less than one.
            return new Damaged("a frame length of " + length);
        }
        if (position + HEADER + length > size) {
            return new Torn("a frame of " + length + " bytes with " + (size - position - HEADER) + " left in the file");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(channel, payload, position + HEADER);
        CRC32C check = new CRC32C();
        check.update(payload.array());
        if ((int) check.getValue() != crc) {
            // Whole, last or not: changed on disk. Only a frame that runs past the end of the file is torn.
            return new Damaged("a checksum mismatch");
        }
        byte[] bytes = payload.array();
        byte[] prev = Arrays.copyOfRange(bytes, 0, EventCodec.HASH_LENGTH);
        byte[] hash = Arrays.copyOfRange(bytes, EventCodec.HASH_LENGTH, 2 * EventCodec.HASH_LENGTH);
        EventCodec.Decoded decoded;
        try {
            decoded = EventCodec.decode(Arrays.copyOfRange(bytes, 2 * EventCodec.HASH_LENGTH, bytes.length));
        } catch (IllegalArgumentException e) {
            return new Damaged("an event that does not decode (" + e.getMessage() + ")");
        }
        UUID writer = decoded.writer();
        AuditEvent event = decoded.event();
        return new Found(new SealedEvent(writer, decoded.seq(), prev, hash, event), position + HEADER + length);
    }

    /**
     * As {@link #read}, through a window and up to {@code limit} (the file ends there as far as this read goes), with
     * the event checked for form but not decoded. A zero header is a torn tail, as {@link #read} finds a zero-filled
     * one.
     */
    static Read readEncoded(SegmentWindow window, long position, long limit) throws IOException {
        if (position >= limit) {
            return new End();
        }
        if (!window.holds(position, HEADER, limit)) {
            return new Torn((limit - position) + " bytes where a frame header was expected");
        }
        int length = window.intAt(position);
        int crc = window.intAt(position + 4);
        if (length == 0 && crc == 0) {
            // As read() finds a zero-filled tail; a reader stops there, and recovery and the verifier look closer.
            return new Torn("a zero frame header");
        }
        if (length < 2 * EventCodec.HASH_LENGTH || length > MAX_PAYLOAD) {
            return new Damaged("a frame length of " + length);
        }
        if (!window.holds(position + HEADER, length, limit)) {
            return new Torn("a frame of " + length + " bytes with " + (limit - position - HEADER)
                    + " left in the file");
        }
        if (window.crc32c(position + HEADER, length) != crc) {
            return new Damaged("a checksum mismatch");
        }
        try {
            return new FoundEncoded(new EncodedEvent(window.copy(position + HEADER, length)),
                    position + HEADER + length);
        } catch (IllegalArgumentException e) {
            return new Damaged("an event that does not decode (" + e.getMessage() + ")");
        }
    }

    private static boolean allZero(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        for (long at = from; at < size; at += chunk.capacity()) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), size - at));
            readFully(channel, chunk, at);
            for (int i = 0; i < chunk.limit(); i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new EOFException("journal file ended early");
            }
            at += n;
        }
    }
}
