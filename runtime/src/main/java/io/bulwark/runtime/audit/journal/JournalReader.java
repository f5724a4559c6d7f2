package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.chain.SealedEvent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one writer's journal forward by sequence number, remembering where it is, so that shipping a long journal
 * reads each frame once. Reads only whole frames: it may run beside the writer, and is only asked for events the
 * writer has made durable.
 */
public final class JournalReader implements Closeable {

    private final Path writerDir;
    private Path file;
    private FileChannel channel;
    private long position;
    /** The sequence number of the last event returned, or -1 when the reader must look for its place. */
    private long lastRead = -1;

    public JournalReader(Path writerDir) {
        this.writerDir = writerDir;
    }

    /**
     * The events numbered after {@code after} up to {@code upTo}, at most {@code max} of them, in order.
     *
     * @throws JournalDamagedException when a frame on the way does not check out
     */
    public List<SealedEvent> next(long after, long upTo, int max) throws IOException {
        return next(after, new JournalWriter.Mark(upTo, null, 0), max);
    }

    /** As {@link #next(long, long, int)}, up to the writer's durable mark, reading no byte past it. */
    public List<SealedEvent> next(long after, JournalWriter.Mark durable, int max) throws IOException {
        long upTo = durable.seq();
        List<SealedEvent> events = new ArrayList<>();
        if (upTo <= after) {
            return events;
        }
        if (lastRead != after) {
            seek(after);
        }
        while (events.size() < max && channel != null) {
            boolean atMark = durable.segment() != null && durable.segment().equals(file) && position >= durable.size();
            Frame.Read read = atMark ? new Frame.End() : Frame.read(channel, position);
            if (read instanceof Frame.Found found) {
                SealedEvent sealed = found.sealed();
                if (sealed.seq() <= after) {
                    position = found.next();
                    continue;
                }
                if (sealed.seq() > upTo) {
                    break;
                }
                if (sealed.seq() != lastRead + 1 && lastRead >= 0) {
                    throw new JournalDamagedException("journal " + file + ": event " + sealed.seq() + " follows event "
                            + lastRead);
                }
                events.add(sealed);
                lastRead = sealed.seq();
                position = found.next();
            } else if (read instanceof Frame.End || read instanceof Frame.Torn) {
                if (!nextSegment()) {
                    break;
                }
            } else {
                throw new JournalDamagedException("journal " + file + " is damaged at byte " + position + " ("
                        + ((Frame.Damaged) read).why() + ")");
            }
        }
        return events;
    }

    /** Positions the reader at the segment holding event {@code after + 1}. */
    private void seek(long after) throws IOException {
        closeChannel();
        List<Path> segments = Segments.list(writerDir);
        Path chosen = null;
        for (Path segment : segments) {
            if (Segments.firstSeq(segment) <= after + 1) {
                chosen = segment;
            }
        }
        if (chosen == null && !segments.isEmpty()) {
            // Events up to the first segment's start were deleted (shipped or expired): start where the journal does.
            chosen = segments.get(0);
        }
        lastRead = -1;
        if (chosen != null) {
            open(chosen);
            // Events before the first segment were deleted (shipped, or past retention): the journal starts later.
            lastRead = Math.max(after, Segments.firstSeq(chosen) - 1);
        }
    }

    private boolean nextSegment() throws IOException {
        List<Path> segments = Segments.list(writerDir);
        for (Path segment : segments) {
            if (segment.compareTo(file) > 0) {
                // A segment only follows one that is whole: its first event must be the next one.
                closeChannel();
                open(segment);
                return true;
            }
        }
        return false;
    }

    private void open(Path segment) throws IOException {
        try {
            channel = FileChannel.open(segment, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            channel = null;
            return;
        }
        file = segment;
        position = Segments.HEADER.length;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
