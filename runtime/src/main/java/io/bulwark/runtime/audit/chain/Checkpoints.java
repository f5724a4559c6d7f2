package io.bulwark.runtime.audit.chain;

import io.bulwark.runtime.files.OwnerOnly;
import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes one writer's checkpoints ({@link Checkpoint}) as its events reach their store: as PostgreSQL commits them
 * when events are shipped there ({@link #shipped}), else as the journal makes them durable ({@link #durable}). The
 * first time that happens in this JVM (so every writer that ever stored an event is anchored at once), then whenever
 * {@link Policy#events()} events or {@link Policy#interval()} have passed since the last, and when it stops
 * ({@link #closing}); nothing while no event comes. Each replaces the writer's file
 * {@code <audit dir>/checkpoints/w-<writer>.<store>} (0600, atomically: it outlives the journal segments deleted after
 * shipping) and is logged as one line, the copy that leaves the host.
 *
 * <p>What the pace buys: a verifier holding the checkpoints but not this host's journal (whose newest segment is
 * never deleted) can miss at most the events of the last interval, deleted from the end of a chain. Thread-safe: the
 * journal's thread and the shipper's call it.
 */
public final class Checkpoints {

    /** The directory under {@code <data-dir>/audit} that holds each writer's newest checkpoint. */
    public static final String DIRECTORY = "checkpoints";

    /**
     * When to write one, and of which store.
     *
     * @param events   after this many events since the last
     * @param interval or this long since the last, whichever comes first
     * @param store    {@code POSTGRESQL} when events are shipped there, else {@code JOURNAL}
     */
    public record Policy(long events, Duration interval, Checkpoint.Store store) {
        /** Every 100,000 events or minute, of the journal (tests; a journal without PostgreSQL). */
        public static final Policy DEFAULT = new Policy(100_000, Duration.ofSeconds(60), Checkpoint.Store.JOURNAL);
    }

    private final ChainKey key;
    private final UUID writer;
    private final Path file;
    private final Policy policy;
    private final long intervalNanos;
    private long lastSeq = -1;
    private long lastNanos;
    private long pendingSeq = -1;
    private byte[] pendingHash;

    public Checkpoints(ChainKey key, Path auditDir, UUID writer, Policy policy) {
        this.key = key;
        this.writer = writer;
        this.file = auditDir.resolve(DIRECTORY).resolve("w-" + writer + "." + policy.store().name().toLowerCase(
                Locale.ROOT));
        this.policy = policy;
        this.intervalNanos = policy.interval().toNanos();
    }

    /** The journal made events through {@code seq} durable ({@code hash} is event {@code seq}'s). */
    public void durable(long seq, byte[] hash) {
        if (policy.store() == Checkpoint.Store.JOURNAL) {
            reached(seq, hash);
        }
    }

    /** PostgreSQL committed events through {@code seq} ({@code hash} is event {@code seq}'s). */
    public void shipped(long seq, byte[] hash) {
        if (policy.store() == Checkpoint.Store.POSTGRESQL) {
            reached(seq, hash);
        }
    }

    /** The store stops taking this writer's events (the journal closes, the shipper stops): anchor what it holds. */
    public synchronized void closing() {
        if (pendingSeq > lastSeq) {
            write(pendingSeq, pendingHash, System.nanoTime());
        }
    }

    private synchronized void reached(long seq, byte[] hash) {
        if (seq <= 0 || seq <= lastSeq) {
            return;
        }
        long now = System.nanoTime();
        if (lastSeq < 0 || seq - lastSeq >= policy.events() || now - lastNanos >= intervalNanos) {
            write(seq, hash, now);
        } else {
            pendingSeq = seq;
            pendingHash = hash;
        }
    }

    private void write(long seq, byte[] hash, long now) {
        Checkpoint checkpoint = Checkpoint.make(key, writer, seq, hash, policy.store(), Instant.now());
        lastSeq = seq;
        lastNanos = now;
        // The log line first: it is the copy that leaves this host.
        Log.info("audit checkpoint " + checkpoint.line());
        try {
            OwnerOnly.createDirectories(file.getParent());
            OwnerOnly.replace(file, (checkpoint.line() + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            Log.error("the audit checkpoint of writer " + writer + " #" + seq + " could not be kept in " + file + " ("
                    + e.getMessage() + "); it is in the log line above only");
        }
    }

    /**
     * The newest event of {@code writer} that a checkpoint in {@code auditDir} signed with {@code key} shows stored, in
     * the journal or in PostgreSQL (which only ever receives what the journal had made durable); 0 when there is none
     * (or none that verifies). A journal that ends before it lost durable events: recovery must not go on from there.
     */
    public static long newestSeq(Path auditDir, UUID writer, ChainKey key) {
        long newest = 0;
        for (Checkpoint.Store store : Checkpoint.Store.values()) {
            Path file = auditDir.resolve(DIRECTORY).resolve("w-" + writer + "." + store.name().toLowerCase(
                    Locale.ROOT));
            try {
                Checkpoint c = Checkpoint.find(Files.readString(file, StandardCharsets.US_ASCII).strip());
                if (c != null && c.writer().equals(writer) && c.signedBy(key)) {
                    newest = Math.max(newest, c.seq());
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // never checkpointed in this store
            } catch (IOException | IllegalArgumentException e) {
                // unreadable: it proves nothing, and the verifier reports it
            }
        }
        return newest;
    }

    /** The checkpoint files under {@code <auditDir>/checkpoints}, for a verifier. */
    public static List<Path> files(Path auditDir) throws IOException {
        Path dir = auditDir.resolve(DIRECTORY);
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(f -> f.getFileName().toString().startsWith("w-")).sorted().forEach(files::add);
            }
        }
        return files;
    }
}
