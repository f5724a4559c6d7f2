package io.bulwark.runtime.audit.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files of one writer's journal: {@code 00000000000000000001.journal}, named by the sequence number of their first
 * event, each starting with a fixed header and holding frames back to back:
 *
 * <pre>
 * frame   = length:int32 crc32c:int32 payload        (big-endian; length of payload)
 * payload = prevHash:32 bytes, hash:32 bytes, event:EventCodec encoding
 * </pre>
 */
final class Segments {


    static final String SUFFIX = ".journal";
    static final byte[] HEADER = "BULWARK-JOURNAL1".getBytes(StandardCharsets.US_ASCII);
    /** A new segment is started past this size: small enough to delete shipped or expired events promptly. */
    static final long ROTATE_AT = 64L << 20;

    private Segments() {
    }

    static Path file(Path writerDir, long firstSeq) {
        return writerDir.resolve(String.format("%020d", firstSeq) + SUFFIX);
    }

    /** The first sequence number a segment file's name gives, or -1 when it is not a segment. */
    static long firstSeq(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The segments of {@code writerDir}, oldest first. */
    static List<Path> list(Path writerDir) throws IOException {
        List<Path> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(writerDir)) {
            files.filter(f -> firstSeq(f) > 0).forEach(segments::add);
        }
        segments.sort(null);
        return segments;
    }

    /** Writes the header at the start of a new (or emptied) segment. */
    static void writeHeader(FileChannel channel) throws IOException {
        channel.truncate(0);
        ByteBuffer header = ByteBuffer.wrap(HEADER);
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
    }

    static boolean hasHeader(FileChannel channel) throws IOException {
        if (channel.size() < HEADER.length) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER.length);
        Frame.readFully(channel, header, 0);
        return java.util.Arrays.equals(header.array(), HEADER);
    }
}
