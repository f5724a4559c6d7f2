package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.Bytes;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.files.OwnerOnly;
import io.bulwark.runtime.log.Log;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Appends sealed events to one writer's journal: numbers them, chains their hashes, writes their frames, rotates
 * segments and makes them durable with {@link #sync()}. Used by one thread.
 *
 * <p>Opening recovers from a crash: a last frame cut short (the process or machine died mid-write) is cut off, since
 * it was never durable; a frame that is whole but does not check out is damage, and the journal refuses to append
 * after it ({@link JournalDamagedException}) rather than bury it under new events.
 */
public final class JournalWriter implements Closeable {

    private final WriterDirectory directory;
    /** Whether closing the journal lets go of its directory (not when the caller holds it: {@link #openHeld}). */
    private final boolean ownsDirectory;
    private final long rotateAt;
    private final ChainKey key;
    private final ChainKey.Seal seal;
    private final Checkpoints checkpoints;
    private final Bytes frames = new Bytes(1 << 20);
    private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private FileChannel segment;
    private Path segmentFile;
    private long size;
    private long lastSeq;
    private byte[] lastHash;
    private volatile Mark durable = new Mark(0, null, 0);

    /**
     * How far the journal is durable: through event {@code seq}, which ends at byte {@code size} of {@code segment}.
     * A reader beside the writer reads no further, so it never meets a frame being written.
     */
    public record Mark(long seq, Path segment, long size) {
    }

    private JournalWriter(WriterDirectory directory, long rotateAt, ChainKey key, Checkpoints.Policy policy) {
        this(directory, true, rotateAt, key, policy);
    }

    private JournalWriter(WriterDirectory directory, boolean ownsDirectory, long rotateAt, ChainKey key,
            Checkpoints.Policy policy) {
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.rotateAt = rotateAt;
        this.key = key;
        this.seal = key.seal();
        this.checkpoints = new Checkpoints(key, directory.path().getParent(), directory.writer(), policy);
    }

    /**
     * Opens a writer's journal under {@code auditDir}, taking a directory nobody holds (see {@link WriterDirectory}),
     * sealing with {@code key} and checkpointing by {@code policy}.
     */
    public static JournalWriter open(Path auditDir, ChainKey key, Checkpoints.Policy policy) throws IOException {
        return open(auditDir, Segments.ROTATE_AT, key, policy);
    }

    /**
     * Opens the journal of a writer directory the caller holds (a command shipping a journal no JVM holds), sealing
     * with {@code key}; closing the journal leaves the directory held.
     */
    public static JournalWriter openHeld(WriterDirectory held, ChainKey key, Checkpoints.Policy policy)
            throws IOException {
        JournalWriter journal = new JournalWriter(held, false, Segments.ROTATE_AT, key, policy);
        try {
            journal.recover();
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    /** As {@link #open(Path, ChainKey, Checkpoints.Policy)} with the key of {@code <auditDir>/chain.key}. */
    public static JournalWriter open(Path auditDir) throws IOException {
        return open(auditDir, Segments.ROTATE_AT);
    }

    /** As {@link #open(Path)}, starting a new segment once one reaches {@code rotateAt} bytes. */
    public static JournalWriter open(Path auditDir, long rotateAt) throws IOException {
        return open(auditDir, rotateAt, ChainKey.local(auditDir), Checkpoints.Policy.DEFAULT);
    }

    /** As {@link #open(Path, ChainKey, Checkpoints.Policy)}, starting a new segment past {@code rotateAt} bytes. */
    public static JournalWriter open(Path auditDir, long rotateAt, ChainKey key, Checkpoints.Policy policy)
            throws IOException {
        WriterDirectory directory = WriterDirectory.acquire(auditDir);
        JournalWriter journal = new JournalWriter(directory, rotateAt, key, policy);
        try {
            journal.recover();
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
        return journal;
    }

    public UUID writer() {
        return directory.writer();
    }

    public Path directory() {
        return directory.path();
    }

    /** The key this journal seals with (and whose anchors sign what is recorded about its chain). */
    public ChainKey key() {
        return key;
    }

    /** Where this writer's head is anchored: the shipper reports to it what PostgreSQL committed. */
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /** The last sequence number written (0 for an empty journal). */
    public long lastSeq() {
        return lastSeq;
    }

    /** The last sequence number made durable by {@link #sync()}: what may be shipped. Any thread. */
    public long durableSeq() {
        return durable.seq();
    }

    /** See {@link Mark}. Any thread. */
    public Mark durable() {
        return durable;
    }

    /**
     * Seals and writes {@code events} in order. On failure nothing is taken as written: the segment is cut back to
     * where it was, and the same events may be appended again.
     */
    public List<SealedEvent> append(List<AuditEvent> events) throws IOException {
        if (size >= rotateAt) {
            rotate();
        }
        List<SealedEvent> sealed = new ArrayList<>(events.size());
        // Each event is encoded straight into its frame in one reused array, hashed and checksummed where it lies:
        // no array per event for the encoding, the frame or the copy between them.
        frames.clear();
        long seq = lastSeq;
        byte[] prev = lastHash;
        for (AuditEvent event : events) {
            int frameAt = frames.size();
            frames.skip(Frame.HEADER + 2 * EventCodec.HASH_LENGTH);
            int encodingAt = frames.size();
            EventCodec.encode(directory.writer(), ++seq, event, frames);
            byte[] hash = seal.hash(prev, frames.array(), encodingAt, frames.size() - encodingAt);
            Frame.seal(frames, frameAt, prev, hash);
            sealed.add(new SealedEvent(directory.writer(), seq, prev, hash, event));
            prev = hash;
        }
        int total = frames.size();
        // One direct buffer, one write: a heap array is copied into a temporary direct buffer by the JDK anyway.
        ByteBuffer batch = buffer(total);
        batch.put(frames.array(), 0, total);
        batch.flip();
        try {
            long at = size;
            while (batch.hasRemaining()) {
                at += segment.write(batch, at);
            }
        } catch (IOException e) {
            try {
                segment.truncate(size);
            } catch (IOException ignored) {
                // A torn tail is cut off when the journal is opened again.
            }
            throw e;
        }
        size += total;
        lastSeq = seq;
        lastHash = prev;
        return sealed;
    }

    private ByteBuffer buffer(int capacity) {
        if (buffer.capacity() < capacity) {
            buffer = ByteBuffer.allocateDirect(Math.max(capacity, buffer.capacity() * 2));
        }
        buffer.clear();
        return buffer;
    }

    /** Makes everything appended so far durable (one fsync for however many events: the batching). */
    public void sync() throws IOException {
        segment.force(false);
        durable = new Mark(lastSeq, segmentFile, size);
        checkpoints.durable(lastSeq, lastHash);
    }

    @Override
    public void close() throws IOException {
        try {
            if (segment != null) {
                segment.force(false);
                segment.close();
                checkpoints.closing();
            }
        } finally {
            if (ownsDirectory) {
                directory.close();
            }
        }
    }

    private void recover() throws IOException {
        List<Path> segments = Segments.list(directory.path());
        lastSeq = 0;
        lastHash = EventCodec.genesis();
        if (segments.isEmpty()) {
            start(1);
            return;
        }
        // Events up to here were durable once (a signed checkpoint, or PostgreSQL's commit, says so): a journal that
        // now ends before it was cut or edited, never torn by a crash, and going on from there would number new events
        // as those were numbered.
        long floor = Math.max(Checkpoints.newestSeq(directory.path().getParent(), directory.writer(), key),
                io.bulwark.runtime.audit.postgres.ShipCursor.read(directory.path()));
        // The chain goes on from the newest event on disk: scan back to the newest segment that holds one.
        for (int i = segments.size() - 1; i >= 0; i--) {
            Path file = segments.get(i);
            boolean newest = i == segments.size() - 1;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (!Segments.hasHeader(channel)) {
                    if (!newest || channel.size() > Segments.HEADER.length) {
                        throw new JournalDamagedException("journal segment " + file + " does not start with a journal "
                                + "header");
                    }
                    Segments.writeHeader(channel);
                    continue;
                }
                long position = Segments.HEADER.length;
                SealedEvent last = null;
                while (true) {
                    Frame.Read read = Frame.read(channel, position);
                    if (read instanceof Frame.Found found) {
                        last = found.sealed();
                        position = found.next();
                    } else if (read instanceof Frame.Torn torn && newest
                            && (last != null ? last.seq() : Segments.firstSeq(file) - 1) >= floor) {
                        Log.warn("audit journal " + file + ": its last write was cut short (" + torn.why() + "); the "
                                + (channel.size() - position) + " bytes of it, never made durable, are dropped");
                        channel.truncate(position);
                        channel.force(true);
                        break;
                    } else if (read instanceof Frame.End) {
                        break;
                    } else {
                        throw new JournalDamagedException("journal segment " + file + " is damaged at byte " + position
                                + " (" + describe(read) + "): run 'audit verify'; move the writer directory "
                                + directory.path() + " aside to start a new chain");
                    }
                }
                if (last != null) {
                    lastSeq = last.seq();
                    lastHash = last.hash();
                    break;
                }
            }
        }
        if (lastSeq < floor) {
            throw new JournalDamagedException("the audit journal in " + directory.path() + " ends at event #" + lastSeq
                    + ", but event #" + floor + " was made durable (a checkpoint or PostgreSQL holds it): its end was "
                    + "cut or edited. Run 'audit verify'; move the writer directory aside to start a new chain");
        }
        Path newestFile = segments.get(segments.size() - 1);
        long first = Segments.firstSeq(newestFile);
        if (lastSeq > 0 && first > lastSeq + 1) {
            throw new JournalDamagedException("journal segment " + newestFile + " starts at event " + first
                    + " but the events before it end at " + lastSeq);
        }
        segment = FileChannel.open(newestFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        segmentFile = newestFile;
        size = segment.size();
        durable = new Mark(lastSeq, segmentFile, size);
    }

    private static String describe(Frame.Read read) {
        if (read instanceof Frame.Damaged d) {
            return d.why();
        }
        if (read instanceof Frame.Torn t) {
            return t.why();
        }
        return read.toString();
    }

    private void rotate() throws IOException {
        segment.force(false);
        segment.close();
        start(lastSeq + 1);
    }

    private void start(long firstSeq) throws IOException {
        Path file = Segments.file(directory.path(), firstSeq);
        segment = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        segmentFile = file;
        Segments.writeHeader(segment);
        segment.force(true);
        size = segment.size();
        syncDirectory(directory.path());
    }

    /** A new file is only durable once its directory entry is: fsync the directory, where the platform allows it. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a directory be opened for this; the data itself is synced regardless.
        }
    }

    /** Deletes the segments other than the newest whose events all have sequence numbers at most {@code seq}. */
    public static int deleteThrough(Path writerDir, long seq) throws IOException {
        List<Path> segments = Segments.list(writerDir);
        int deleted = 0;
        for (int i = 0; i + 1 < segments.size(); i++) {
            if (Segments.firstSeq(segments.get(i + 1)) <= seq + 1) {
                Files.deleteIfExists(segments.get(i));
                deleted++;
            }
        }
        return deleted;
    }
}
