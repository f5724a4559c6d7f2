package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.files.OwnerOnly;
import io.bulwark.runtime.log.Log;
import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Where a calling thread puts its event before its call returns: {@code <writer dir>/staging}, a file of fixed size
 * mapped shared into memory, used as a ring of records. The kernel owns a shared mapping's pages: what a thread wrote
 * into them stays in the file when the process dies (kill -9, an OOM kill), without a system call or a wait. The
 * journal thread takes the records in order, seals them into the chain, makes the journal durable, and only then frees
 * their room; the next start recovers whatever was staged and not yet journalled, exactly once (see
 * {@link #open}).
 *
 * <p>Why this shape (issue 14): the events of returned calls used to wait in a queue on the heap, and 63,899 of 761,850
 * died with a kill -9; the queue also filled within a second under a burst, after which calls were refused. Here a
 * caller's cost is one atomic add, copying its event (a few hundred bytes) into memory it already has mapped, a CRC and
 * one fenced store; a burst fills the 64 MiB file (hundreds of thousands of events) rather than the heap, and when
 * even that is full callers wait for room rather than being refused.
 *
 * <p>A record, 16-byte aligned, at absolute position {@code p} (offset {@code p mod capacity} in the ring):
 * <pre>
 * stamp:int64 = p + 1   written last (a volatile store): the record is whole once it reads p + 1
 * length:int32          of the payload; negative: skip this many bytes (the ring's end, or a record given up)
 * crc32c:int32          of the payload
 * payload               what the caller encoded
 * </pre>
 * All in the platform's byte order, as memory is. Positions only grow (across restarts too), so a record left from an
 * earlier lap of the ring never carries the stamp of the place it lies at; freed room is zeroed before it is reused,
 * so a reader never mistakes old bytes for a new record. The first 4 KiB hold the header: magic, capacity, and where
 * the journal stood at its last sync ({@code released}: every record before it is in the journal, durably;
 * {@code seq}: the journal's last sequence number then).
 *
 * <p>Power loss, unlike a killed process, loses the page cache: what is staged but not yet in the journal's last
 * fsync. The journal thread syncs every 2 ms, and forces the staged records it has not yet reached to disk along with
 * it ({@link #forceBacklog}, all but the page being staged into), so a power cut costs at most the events of the last
 * sync interval and those of that one page (4 KiB).
 *
 * <p>Thread-safety: any thread may {@link #reserve}, write its payload through {@link #bytes()} / {@link #chars()},
 * and {@link #commit}; one thread (the journal's) drains and releases.
 */
public final class StagingArea implements Closeable {

    /** The file's name in a writer directory. */
    public static final String FILE = "staging";
    /** The default room: 64 MiB, a few hundred thousand events of ordinary size. */
    public static final int DEFAULT_CAPACITY = 64 << 20;
    /** Room for at least a few of the largest events Bulwark captures. */
    public static final int MIN_CAPACITY = 16 << 20;
    public static final int MAX_CAPACITY = 1 << 30;

    static final int DATA_AT = 4096;
    static final int RECORD_HEADER = 16;
    static final int ALIGN = 16;
    /** The ring's capacity is a multiple of it, so that a position's page is its file page (DATA_AT is one). */
    static final int PAGE = 4096;
    private static final byte[] MAGIC = "BULWARK-STAGING1".getBytes(StandardCharsets.US_ASCII);
    private static final int CAPACITY_AT = 16;
    private static final int RELEASED_AT = 24;
    private static final int SEQ_AT = 32;
    private static final int ORDER_AT = 40;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    private static final byte[] ZEROS = new byte[1 << 16];
    private static final int MAX_SCRATCH = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final ByteBuffer bytes;
    private final CharBuffer chars;
    private final int capacity;
    /** The end of the last reserved record. */
    private final AtomicLong tail = new AtomicLong();
    /** Every byte before it is free (zeroed) room; published after zeroing. */
    private volatile long released;
    /** A class, not a lambda ({@code ThreadLocal.withInitial}): kept off the lambda machinery as the rest is. */
    private final ThreadLocal<Local> locals = new ThreadLocal<>() {
        @Override
        protected Local initialValue() {
            return new Local(bytes);
        }
    };
    /** Where the journal thread reads next. */
    private long consumed;
    /** What {@link #open} found staged and not yet journalled: payload indexes and lengths, in order. */
    private final List<long[]> leftovers = new ArrayList<>();
    private long leftoverSeq;
    /** Whether the ring holds anything but zeros past {@code released} (a crash left records or parts of them). */
    private boolean dirty;

    private StagingArea(Path file, FileChannel channel, MappedByteBuffer map, int capacity) {
        this.file = file;
        this.channel = channel;
        this.map = map;
        this.bytes = map.duplicate().order(ByteOrder.nativeOrder());
        this.chars = bytes.asCharBuffer();
        this.capacity = capacity;
    }

    /**
     * Opens (or creates, preallocated, so that writing into the mapping never meets a full disk) the staging area of
     * {@code writerDir}, which the caller holds ({@link WriterDirectory}). What an earlier process staged and the
     * journal does not hold is found here ({@link #leftovers}); the caller journals it and then calls
     * {@link #restart}.
     *
     * @param capacity the ring's bytes for a new file; an existing file is read at its own size first
     */
    public static StagingArea open(Path writerDir, int capacity) throws IOException {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || capacity % PAGE != 0) {
            throw new IllegalArgumentException("staging capacity " + capacity);
        }
        Path file = writerDir.resolve(FILE);
        if (Files.exists(file)) {
            StagingArea existing = openExisting(file);
            if (existing != null) {
                return existing;
            }
        }
        return create(file, capacity);
    }

    private static StagingArea openExisting(Path file) throws IOException {
        FileChannel channel = OwnerOnly.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(DATA_AT).order(ByteOrder.nativeOrder());
            if (size > DATA_AT) {
                Frame.readFully(channel, header, 0);
            }
            long capacity = header.getLong(CAPACITY_AT);
            boolean valid = size > DATA_AT && Arrays.equals(Arrays.copyOf(header.array(), MAGIC.length), MAGIC)
                    && header.getInt(ORDER_AT) == 1 && capacity >= PAGE && capacity <= MAX_CAPACITY
                    && capacity % PAGE == 0 && size == DATA_AT + capacity && header.getLong(RELEASED_AT) >= 0;
            if (!valid) {
                channel.close();
                Path aside = file.resolveSibling(FILE + ".unreadable-" + System.currentTimeMillis());
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
                Log.error("audit staging file " + file + " is not one this version wrote (or was damaged): moved "
                        + "aside to " + aside + "; events staged in it are not recovered");
                return null;
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            StagingArea area = new StagingArea(file, channel, map, (int) capacity);
            area.recover(header.getLong(RELEASED_AT), header.getLong(SEQ_AT));
            return area;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static StagingArea create(Path file, int capacity) throws IOException {
        Path fresh = file.resolveSibling(FILE + ".new");
        Files.deleteIfExists(fresh);
        try (FileChannel channel = OwnerOnly.open(fresh, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Every block allocated now: a store into a mapped page the file system cannot back would kill the JVM.
            ByteBuffer zeros = ByteBuffer.wrap(ZEROS);
            long size = (long) DATA_AT + capacity;
            for (long at = 0; at < size; ) {
                zeros.clear();
                zeros.limit((int) Math.min(ZEROS.length, size - at));
                at += channel.write(zeros, at);
            }
            ByteBuffer header = ByteBuffer.allocate(DATA_AT).order(ByteOrder.nativeOrder());
            header.put(MAGIC);
            header.putLong(CAPACITY_AT, capacity);
            header.putInt(ORDER_AT, 1);
            header.clear();
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
            channel.force(true);
        }
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        JournalWriter.syncDirectory(file.getParent());
        StagingArea area = openExisting(file);
        if (area == null) {
            throw new IOException("the new audit staging file " + file + " cannot be read back");
        }
        return area;
    }

    /** Finds the whole records staged after {@code released}, wherever a killed thread left a gap before them. */
    private void recover(long releasedAt, long seq) {
        leftoverSeq = seq;
        dirty = scan(bytes, capacity, releasedAt, new RecordSink() {
            @Override
            public void record(int at, int length) {
                leftovers.add(new long[] {at, length});
            }
        });
        released = releasedAt;
        consumed = releasedAt;
        tail.set(releasedAt);
    }

    /**
     * Visits the whole records of a ring of {@code capacity} bytes staged after {@code releasedAt}, in order, skipping
     * what a killed thread left half written: the records {@link #open} finds. Whether anything but zeros lies there.
     */
    private static boolean scan(ByteBuffer bytes, int capacity, long releasedAt, RecordSink sink) {
        boolean dirty = false;
        long pos = releasedAt;
        long end = releasedAt + capacity;
        while (pos < end) {
            int at = DATA_AT + (int) (pos % capacity);
            long stamp = bytes.getLong(at);
            if (stamp == pos + 1) {
                int length = bytes.getInt(at + 8);
                if (length < 0 && -length % ALIGN == 0 && -length <= end - pos) {
                    dirty = true;
                    pos += -length;
                    continue;
                }
                if (length >= 0 && length <= capacity - (at - DATA_AT) - RECORD_HEADER
                        && crc(bytes, at + RECORD_HEADER, length) == bytes.getInt(at + 12)) {
                    dirty = true;
                    sink.record(at + RECORD_HEADER, length);
                    pos += size(length);
                    continue;
                }
            }
            if (stamp != 0 || bytes.getLong(at + 8) != 0) {
                // Part of a record a thread was writing when the process died (its call never returned), or one a
                // power cut tore: skipped, a record's alignment at a time.
                dirty = true;
            }
            pos += ALIGN;
        }
        return dirty;
    }

    private interface RecordSink {
        void record(int at, int length);
    }

    /**
     * What the staging area of a writer directory holds that {@link #open} would find and journal: read only, without
     * the directory's lock, and without changing the file (for {@code audit verify}). Null when there is no staging
     * file; {@link Staged#readable()} false when it is not one this version wrote (the next open moves it aside).
     */
    public static Staged inspect(Path writerDir) throws IOException {
        Path file = writerDir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(DATA_AT).order(ByteOrder.nativeOrder());
            if (size > DATA_AT) {
                Frame.readFully(channel, header, 0);
            }
            long capacity = header.getLong(CAPACITY_AT);
            long releasedAt = header.getLong(RELEASED_AT);
            boolean valid = size > DATA_AT && Arrays.equals(Arrays.copyOf(header.array(), MAGIC.length), MAGIC)
                    && header.getInt(ORDER_AT) == 1 && capacity >= PAGE && capacity <= MAX_CAPACITY
                    && capacity % PAGE == 0 && size == DATA_AT + capacity && releasedAt >= 0;
            if (!valid) {
                return new Staged(false, 0, List.of());
            }
            ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.nativeOrder());
            List<UUID> ids = new ArrayList<>();
            // A staged payload starts with its event's id (StagedDrafts): two int64s in the platform's order.
            scan(bytes, (int) capacity, releasedAt, (at, length) -> ids.add(length >= 16
                    ? new UUID(bytes.getLong(at), bytes.getLong(at + 8)) : null));
            return new Staged(true, header.getLong(SEQ_AT), ids);
        }
    }

    /**
     * The whole records of a staging file after its {@code released} position.
     *
     * @param readable whether the file is one this version wrote
     * @param seq      the journal's last sequence number when those records' predecessors were released: the journal's
     *                 events after it may already hold some of them
     * @param ids      each record's event id in staging order (null for a record too short to hold one)
     */
    public record Staged(boolean readable, long seq, List<UUID> ids) {

        public Staged {
            ids = Collections.unmodifiableList(new ArrayList<>(ids));
        }

        /**
         * The records recovery would journal: those whose id is not among {@code journalled} (the ids of the journal's
         * events after {@link #seq()}); a record too short to hold an event is one it leaves out.
         */
        public long notIn(Set<UUID> journalled) {
            long n = 0;
            for (UUID id : ids) {
                if (id != null && !journalled.contains(id)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** A staged record's payload where it lies: read it through {@link #bytes()} / {@link #chars()}. */
    public interface Visitor {
        void record(int at, int length) throws IOException;

        /** As {@link #record(int, int)}, of the record reserved at {@code position} ({@link #reserve}). */
        default void record(long position, int at, int length) throws IOException {
            record(at, length);
        }
    }

    /** Visits what {@link #open} found staged after the journal's last sync, in the order it was staged. */
    public void leftovers(Visitor visitor) throws IOException {
        for (long[] record : leftovers) {
            visitor.record((int) record[0], (int) record[1]);
        }
    }

    public int leftoverCount() {
        return leftovers.size();
    }

    /**
     * The journal's last sequence number when the leftovers' predecessors were last released: every leftover the
     * journal already holds has a higher one (the journal thread wrote it but had not synced it yet).
     */
    public long leftoverSeq() {
        return leftoverSeq;
    }

    /**
     * The leftovers are in the journal, durably, which ends at {@code journalSeq}: clears the ring for this process.
     */
    public void restart(long journalSeq) {
        long base = released;
        if (dirty) {
            zero(DATA_AT, capacity);
            map.force();
            // A new lap: nothing staged from here on shares a position with anything an earlier process staged.
            base = (Math.max(released, tail.get()) / capacity + 2) * capacity;
        }
        leftovers.clear();
        dirty = false;
        bytes.putLong(RELEASED_AT, base);
        bytes.putLong(SEQ_AT, journalSeq);
        map.force(0, DATA_AT);
        consumed = base;
        tail.set(base);
        released = base;
    }

    /** The ring's bytes. */
    public int capacity() {
        return capacity;
    }

    /** The largest payload one record may hold. */
    public int maxPayload() {
        return capacity / 4 - RECORD_HEADER;
    }

    /** The mapped file in the platform's byte order, for absolute reads and writes only. */
    public ByteBuffer bytes() {
        return bytes;
    }

    /** The same as characters: char index = byte index / 2. */
    public CharBuffer chars() {
        return chars;
    }

    private int index(long pos) {
        return DATA_AT + (int) (pos % capacity);
    }

    private static int size(int payload) {
        return (RECORD_HEADER + payload + ALIGN - 1) & -ALIGN;
    }

    /**
     * The CRC of a caller's record, without allocating: a {@code CRC32C} and a view of the mapping per thread (a
     * slice and a checksum object a call showed up as the caller's garbage; benchmarks/README.md).
     */
    private int crc(int at, int length) {
        Local local = locals.get();
        CRC32C crc = local.crc;
        ByteBuffer view = local.view;
        crc.reset();
        view.limit(at + length).position(at);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * An array of at least {@code length} chars the calling thread may use until its next call here: where a caller
     * copies a text's characters on their way into the mapping ({@code String.getChars}), rather than a new array a
     * text ({@code toCharArray}). Texts longer than 64 Ki chars get an array of their own, not kept.
     */
    public char[] scratch(int length) {
        if (length > MAX_SCRATCH) {
            return new char[length];
        }
        Local local = locals.get();
        if (local.chars.length < length) {
            local.chars = new char[Math.max(length, 2 * local.chars.length)];
        }
        return local.chars;
    }

    /** What a calling thread reuses from one record to the next. */
    private static final class Local {
        final CRC32C crc = new CRC32C();
        final ByteBuffer view;
        char[] chars = new char[256];

        Local(ByteBuffer bytes) {
            view = bytes.duplicate();
        }
    }

    private static int crc(ByteBuffer bytes, int at, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.slice(at, length));
        return (int) crc.getValue();
    }

    /**
     * Takes room for a payload of {@code length} bytes ({@link #maxPayload()} at most): its position, or -1 when the
     * ring has no room now (the journal frees some at its next sync).
     */
    public long reserve(int length) {
        int size = size(length);
        while (true) {
            long p = tail.get();
            int offset = (int) (p % capacity);
            long start = offset + size > capacity ? p + (capacity - offset) : p;
            long end = start + size;
            if (end - released > capacity) {
                return -1;
            }
            if (tail.compareAndSet(p, end)) {
                if (start != p) {
                    // The rest of this lap is too short: a skip to the ring's start.
                    skip(p, (int) (start - p));
                }
                return start;
            }
        }
    }

    /** Where the payload of the record at {@code position} starts in {@link #bytes()}. */
    public int payloadAt(long position) {
        return index(position) + RECORD_HEADER;
    }

    /** The position after the record at {@code position} of a payload of {@code length} bytes. */
    public long end(long position, int length) {
        return position + size(length);
    }

    /** The payload of {@code length} bytes at {@code position} is written: the record is whole. */
    public void commit(long position, int length) {
        int at = index(position);
        bytes.putInt(at + 8, length);
        bytes.putInt(at + 12, crc(at + RECORD_HEADER, length));
        // A volatile store: ordered after the payload's, and before the journal thread's idle check is read back by
        // the caller (the two sides of the wake-up handshake, see JournalThread#wake).
        LONGS.setVolatile(bytes, at, position + 1);
    }

    /** The room reserved at {@code position} for {@code length} bytes will not hold a record after all. */
    public void abandon(long position, int length) {
        skip(position, size(length));
    }

    private void skip(long position, int size) {
        int at = index(position);
        bytes.putInt(at + 8, -size);
        LONGS.setVolatile(bytes, at, position + 1);
    }

    /** Whether the next record in order is whole: the journal thread has something to take. Journal thread. */
    public boolean ready() {
        return (long) LONGS.getVolatile(bytes, index(consumed)) == consumed + 1;
    }

    /**
     * Visits the whole records in order from where the last call stopped, at most {@code max}, stopping at the first
     * not yet whole; the count visited. Journal thread.
     */
    public int drain(Visitor visitor, int max) throws IOException {
        // The position in a local, stored once: this object's fields are read by every caller (bytes, capacity,
        // released), and a store a record into the same cache line had their cores fetch it again each time.
        long pos = consumed;
        int n = 0;
        try {
            while (n < max) {
                int at = index(pos);
                if ((long) LONGS.getAcquire(bytes, at) != pos + 1) {
                    break;
                }
                int length = bytes.getInt(at + 8);
                if (length < 0) {
                    pos += -length;
                    continue;
                }
                visitor.record(pos, at + RECORD_HEADER, length);
                pos += size(length);
                n++;
            }
        } finally {
            consumed = pos;
        }
        return n;
    }

    /** The position after the last record drained. */
    public long drained() {
        return consumed;
    }

    /** Whether records were reserved past what was drained: staged and not yet in the journal. */
    public boolean hasBacklog() {
        return tail.get() > consumed;
    }

    /** How much of the ring is taken, 0 to 1. */
    public double fill() {
        return (double) (tail.get() - released) / capacity;
    }

    /**
     * Writes the staged records not yet drained to disk (msync), up to the page being staged into: with the journal's
     * fsync, what a power cut can cost is then only what was staged since, and what was staged into that last page.
     * Journal thread.
     *
     * <p>Why not that page (measured, benchmarks/README.md): a page under writeback is stable, and a caller storing
     * into it waits for the disk. Forcing the whole backlog, callers staging into the page at the tail waited: the
     * caller's p99 was 2.6-3.0 µs and its p99.9 105 µs; without forcing, 1.1 µs and 8 µs. The pages wholly behind the
     * tail are not written again until the next lap of the ring.
     */
    public void forceBacklog() {
        long from = consumed;
        long to = Math.min(tail.get(), from + capacity);
        to -= to % PAGE;
        if (to <= from) {
            return;
        }
        int a = index(from);
        long length = to - from;
        int first = (int) Math.min(length, DATA_AT + capacity - a);
        map.force(a, first);
        if (length > first) {
            map.force(DATA_AT, (int) (length - first));
        }
    }

    /**
     * Everything drained is durable in the journal, which ends at {@code journalSeq}: records the header so and frees
     * their room. Journal thread.
     */
    public void release(long journalSeq) {
        long from = released;
        long to = consumed;
        if (to == from) {
            return;
        }
        // Released first, then the sequence number: a process killed between the two leaves an older number, which
        // only makes the next start compare the leftovers with more of the journal, never fewer.
        bytes.putLong(RELEASED_AT, to);
        bytes.putLong(SEQ_AT, journalSeq);
        int a = index(from);
        long length = to - from;
        int first = (int) Math.min(length, DATA_AT + capacity - a);
        zero(a, first);
        if (length > first) {
            zero(DATA_AT, (int) (length - first));
        }
        released = to;
    }

    private void zero(int at, int length) {
        for (int done = 0; done < length; ) {
            int n = Math.min(ZEROS.length, length - done);
            bytes.put(at + done, ZEROS, 0, n);
            done += n;
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        map.force();
        channel.close();
    }
}
