package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.chain.EncodedEvent;
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
 * reads each frame once, through a buffer ({@link SegmentWindow}). Reads only whole frames: it may run beside the
 * writer, and is only asked for events the writer has made durable.
 */
public final class JournalReader implements Closeable {

    private final Path writerDir;
    private Path file;
    private FileChannel channel;
    private SegmentWindow window;
    /** The size of the current segment when last asked (asked again on reaching it, as the writer may have left it). */
    private long segmentSize;
    private long position;
    /** The sequence number of the last event returned, or -1 when the reader must look for its place. */
    private long lastRead = -1;

    public JournalReader(Path writerDir) {
        this.writerDir = writerDir;
    }

    /**
     * The events numbered after {@code after} up to {@code upTo}, at most {@code max} of them, in order, decoded: for
     * a journal no writer is appending to.
     *
     * @throws JournalDamagedException when a frame on the way does not check out
     */
    public List<SealedEvent> next(long after, long upTo, int max) throws IOException {
        List<SealedEvent> events = new ArrayList<>();
        for (EncodedEvent e : next(after, new JournalWriter.Mark(upTo, null, 0), max)) {
            events.add(e.decode());
        }
        return events;
    }

    /**
     * As {@link #next(long, long, int)}, up to the writer's durable mark, reading no byte past it; the events are
     * checked (checksum, form, sequence) but left encoded, as shipping sends them.
     */
    public List<EncodedEvent> next(long after, JournalWriter.Mark durable, int max) throws IOException {
        long upTo = durable.seq();
        List<EncodedEvent> events = new ArrayList<>();
        if (upTo <= after) {
            return events;
        }
        if (lastRead != after) {
            seek(after);
        }
        while (events.size() < max && channel != null) {
            Frame.Read read = Frame.readEncoded(window, position, limit(durable));
            if (read instanceof Frame.FoundEncoded found) {
                EncodedEvent event = found.event();
                long seq = event.seq();
                if (seq <= after) {
                    position = found.next();
                    continue;
                }
                if (seq > upTo) {
                    break;
                }
                if (seq != lastRead + 1 && lastRead >= 0) {
                    throw new JournalDamagedException("journal " + file + ": event " + seq + " follows event "
                            + lastRead);
                }
                events.add(event);
                lastRead = seq;
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

    /**
     * Where the current segment ends for this read: at the durable mark in the mark's segment; nowhere in a segment
     * begun after it (a rotation not yet synced: none of it is durable); at its end in an older one, which is whole.
     * The window must never hold a byte past the mark, which may still be being written.
     */
    private long limit(JournalWriter.Mark durable) throws IOException {
        int order = durable.segment() == null ? -1 : file.compareTo(durable.segment());
        if (order == 0) {
            return durable.size();
        }
        if (order > 0) {
            return position;
        }
        if (position >= segmentSize) {
            // Opened while it was the writer's, it has grown since: ask once more before moving on from it.
            segmentSize = channel.size();
        }
        return segmentSize;
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
        segmentSize = channel.size();
        window = new SegmentWindow(channel);
        position = Segments.HEADER.length;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
            window = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
