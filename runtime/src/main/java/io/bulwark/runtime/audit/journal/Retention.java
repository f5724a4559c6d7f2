package io.bulwark.runtime.audit.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Deletes journal segments past the retention, whole segments at a time: a segment goes once the segment after it
 * starts with an event older than the cutoff, so no event younger than the cutoff is deleted (events are numbered in
 * the order they were written, which follows capture time to within the moments a call is in flight).
 */
public final class Retention {

    private Retention() {
    }

    /** @return how many segments were deleted */
    public static int expire(Path writerDir, long cutoffMicros) throws IOException {
        List<Path> segments = Segments.list(writerDir);
        int deleted = 0;
        for (int i = 0; i + 1 < segments.size(); i++) {
            Long next = firstOccurred(segments.get(i + 1));
            if (next == null || next >= cutoffMicros) {
                break;
            }
            Files.deleteIfExists(segments.get(i));
            deleted++;
        }
        return deleted;
    }

    /** When the first event of {@code segment} occurred, or null when it holds none. */
    private static Long firstOccurred(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            Frame.Read read = Frame.read(channel, Segments.HEADER.length);
            return read instanceof Frame.Found found ? found.sealed().event().occurredAtMicros() : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
