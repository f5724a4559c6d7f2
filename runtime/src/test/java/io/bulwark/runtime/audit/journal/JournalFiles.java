package io.bulwark.runtime.audit.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** What a tamperer (or a crash) does to journal files, for tests. */
public final class JournalFiles {

    private JournalFiles() {
    }

    /** The segments of a writer's journal, oldest first. */
    public static List<Path> segments(Path writerDir) throws IOException {
        return Segments.list(writerDir);
    }

    /** Where each frame of {@code segment} starts, and the file's end last. */
    public static List<Long> frameStarts(Path segment) throws IOException {
        List<Long> starts = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long position = Segments.HEADER.length;
            while (true) {
                starts.add(position);
                Frame.Read read = Frame.read(channel, position);
                if (!(read instanceof Frame.Found found)) {
                    return starts;
                }
                position = found.next();
            }
        }
    }

    /**
     * Replaces the first occurrence of {@code from} with {@code to} (same length) inside frame {@code index} and fixes
     * its checksum: a change the checksum alone cannot see.
     */
    public static void rewrite(Path segment, int index, String from, String to) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long start = frameStarts(segment).get(index);
            ByteBuffer header = ByteBuffer.allocate(Frame.HEADER);
            Frame.readFully(channel, header, start);
            int length = header.getInt(0);
            ByteBuffer payload = ByteBuffer.allocate(length);
            Frame.readFully(channel, payload, start + Frame.HEADER);
            String text = new String(payload.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int at = text.indexOf(from);
            if (at < 0 || from.length() != to.length()) {
                throw new IllegalArgumentException("'" + from + "' is not in frame " + index);
            }
            byte[] bytes = payload.array();
            System.arraycopy(to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, bytes, at, to.length());
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            header.putInt(4, (int) crc.getValue());
            channel.write(header.rewind(), start);
            channel.write(ByteBuffer.wrap(bytes), start + Frame.HEADER);
        }
    }

    /** Cuts frame {@code index} out of {@code segment}. */
    public static void remove(Path segment, int index) throws IOException {
        List<Long> starts = frameStarts(segment);
        byte[] all = java.nio.file.Files.readAllBytes(segment);
        int from = (int) (long) starts.get(index);
        int to = (int) (long) starts.get(index + 1);
        byte[] out = new byte[all.length - (to - from)];
        System.arraycopy(all, 0, out, 0, from);
        System.arraycopy(all, to, out, from, all.length - to);
        java.nio.file.Files.write(segment, out);
    }

    /** Swaps frames {@code a} and {@code b} (a before b) of {@code segment}. */
    public static void swap(Path segment, int a, int b) throws IOException {
        List<Long> starts = frameStarts(segment);
        byte[] all = java.nio.file.Files.readAllBytes(segment);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(all, 0, (int) (long) starts.get(a));
        out.write(all, (int) (long) starts.get(b), (int) (starts.get(b + 1) - starts.get(b)));
        out.write(all, (int) (long) starts.get(a + 1), (int) (starts.get(b) - starts.get(a + 1)));
        out.write(all, (int) (long) starts.get(a), (int) (starts.get(a + 1) - starts.get(a)));
        out.write(all, (int) (long) starts.get(b + 1), (int) (all.length - starts.get(b + 1)));
        java.nio.file.Files.write(segment, out.toByteArray());
    }
}
