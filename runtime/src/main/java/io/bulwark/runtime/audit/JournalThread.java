package io.bulwark.runtime.audit;

import io.bulwark.monitoring.Store;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.journal.JournalReader;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.Retention;
import io.bulwark.runtime.audit.journal.StagingArea;
import io.bulwark.runtime.audit.postgres.Shipper;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.Monitor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The journal's one thread: takes the events callers staged ({@link StagingArea}) in order, seals them into the chain,
 * writes them to the journal at once, and makes them durable in groups, with one fsync at most every
 * {@link #SYNC_NANOS}; then frees their room in the staging area and wakes the shipper.
 *
 * <p>Why group commit: an fsync costs this thread ~130 µs of CPU (and the disk ~0.5 ms) however few events it
 * covers. Synced as they came, events went out ten or twenty at a time under load, which made fsync most of the
 * journal's cost (12 µs an event at 50,000 events a second; see benchmarks/README.md). Once a group is open (an event
 * written, not yet synced), the thread sleeps until its 2 ms are up and callers do not wake it; then it writes what
 * they staged meanwhile and syncs all of it at once. So fsync costs at most a few percent of one core at any rate, a
 * caller pays no wake-up, and the first event after a quiet spell is synced at once.
 *
 * <p>Why callers stage rather than queue on the heap (issue 14): an event a caller has staged is in a shared file
 * mapping before its call returns, and the kernel keeps that through any death of the process; so a JVM killed
 * outright loses no returned call's event, where a heap queue lost up to {@code bulwark.audit.queue} of them. The
 * next start journals what was staged and not yet synced ({@link #recoverStaged}), exactly once: the staging header
 * says up to which journal sequence number its released records were synced, and the ids of the journal's events
 * after it are the ones already taken. With {@code bulwark.audit.durability=sync}, a caller also waits for the fsync
 * that covers its event: the thread then syncs as soon as it has written (no 2 ms window), and what callers staged
 * during one fsync shares the next.
 */
final class JournalThread implements Runnable {

    /** The longest an event written to the journal waits for its fsync. */
    static final long SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int BATCH = 8_192;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long RETENTION_EVERY_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long STOP_TRYING_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long the first calls of a JVM wait for the journal to open before they are refused. */
    private static final long OPEN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final AuditSettings settings;
    private final Path auditDir;
    /** Events that could not be staged (too large for a staging record; the journal never opened): on the heap. */
    private final Queue<Draft> queue;
    private final AtomicInteger pending;
    private final int capacity;
    private final long syncNanos;
    private final int stagingCapacity;
    /** Callers of the sync mode waiting for an fsync: woken after each. */
    private final Queue<Thread> waiters = new ConcurrentLinkedQueue<>();
    private volatile StagingArea staging;
    /** Staging positions before it are in the journal, durably. */
    private volatile long durablePosition;
    /** Events this JVM staged or queued that the journal has made durable. */
    private volatile long durableEvents;
    private volatile boolean ended;
    /** Done first on this thread: what a caller should not have to wait for (the HASH key's file). */
    private final Runnable prepare;
    private volatile Thread runner;
    /** Parked with nothing to make durable: the next event must wake it. */
    private volatile boolean idle;
    private volatile boolean stopping;
    private volatile String unavailable;
    private volatile JournalWriter journal;
    private volatile Shipper shipper;
    private long failingSince;
    private volatile String writeFailure;
    private long lastReport;

    JournalThread(AuditSettings settings, Path auditDir, Queue<Draft> queue, AtomicInteger pending, int capacity,
            Runnable prepare) {
        this.settings = settings;
        this.prepare = prepare;
        this.auditDir = auditDir;
        this.queue = queue;
        this.pending = pending;
        this.capacity = capacity;
        this.syncNanos = settings.durability() == AuditSettings.Durability.SYNC ? 0 : SYNC_NANOS;
        this.stagingCapacity = StagingArea.DEFAULT_CAPACITY;
    }

    /**
     * An event was staged: wake the thread if it sleeps with nothing to do (else it comes by within 2 ms). The staging
     * commit is a volatile store and {@code idle} a volatile read here, while the thread sets {@code idle} and then
     * reads the stamp volatile: one of the two sides always sees the other, so no event waits for the idle timeout.
     */
    void wake() {
        if (idle) {
            LockSupport.unpark(runner);
        }
    }

    /** Wakes the thread whatever it does: a caller waits for room in a full staging area. */
    void wakeNow() {
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** The staging area, once the journal is open and what an earlier process staged is recovered; else null. */
    StagingArea staging() {
        return staging;
    }

    /**
     * The staging area, waiting for the journal to open when it is not yet (the first calls of a JVM); null when it
     * cannot be opened (see {@link #unavailable()}) or has not been within 30 s.
     */
    StagingArea awaitStaging() {
        long deadline = System.nanoTime() + OPEN_WAIT_NANOS;
        StagingArea area;
        while ((area = staging) == null && unavailable == null && !ended && !stopping
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(this, 100_000);
        }
        return area;
    }

    /**
     * Waits until the journal's fsync covers the staging record that ends at {@code end} (the sync mode), or the
     * thread has stopped (the record then stays staged for the next start).
     */
    void awaitDurable(long end) {
        while (durablePosition < end && !ended) {
            waiters.add(Thread.currentThread());
            if (durablePosition >= end) {
                return;
            }
            wake();
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Events accepted by the pipeline ({@code accepted}) not yet durable in the journal. */
    long notDurable(long accepted) {
        return Math.max(0, accepted - durableEvents);
    }

    /** Writes and syncs what is queued, then ends. */
    void stop() {
        stopping = true;
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Why no event can be kept right now, or null. */
    String unavailable() {
        return unavailable;
    }

    JournalWriter journal() {
        return journal;
    }

    Shipper shipper() {
        return shipper;
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        try {
            prepare.run();
            JournalWriter writer = openJournal();
            if (writer != null) {
                loop(writer, staging);
            }
        } finally {
            ended = true;
            wakeWaiters();
        }
    }

    private void loop(JournalWriter writer, StagingArea area) {
        List<AuditEvent> events = new ArrayList<>(BATCH);
        StagingArea.Visitor take = new StagingArea.Visitor() {
            @Override
            public void record(int at, int length) {
                try {
                    events.add(StagedDrafts.read(area.bytes(), area.chars(), at, length));
                } catch (IllegalArgumentException e) {
                    // Written by this JVM's callers a moment ago: only a Bulwark bug gets here. Said loudly.
                    Log.error("an audit event staged at byte " + at + " of " + area.file() + " cannot be read ("
                            + e.getMessage() + "); it is left out of the journal");
                }
            }
        };
        long nextRetention = System.nanoTime();
        long lastSync = System.nanoTime() - SYNC_NANOS;
        int unsynced = 0;
        boolean behind = false;
        while (true) {
            long now = System.nanoTime();
            boolean due = now - lastSync >= syncNanos || stopping;
            if (unsynced > 0 && !due) {
                // A group is open: what callers stage meanwhile joins it, and they need not wake this thread.
                LockSupport.parkNanos(this, lastSync + syncNanos - now);
                continue;
            }
            Draft d;
            while (events.size() < BATCH && (d = queue.poll()) != null) {
                events.add(d.toEvent());
            }
            int taken = events.size();
            try {
                int room = BATCH - events.size();
                int drained = area.drain(take, room);
                taken += drained;
                // Stopped by the batch, not by the staged records running out: the journal is behind the callers.
                behind = drained == room;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (taken > 0) {
                if (!events.isEmpty() && !append(writer, events)) {
                    return;
                }
                unsynced += taken;
                events.clear();
            }
            if (unsynced > 0) {
                if (due) {
                    if (behind && area.hasBacklog()) {
                        // Staged before the last drain and not reached by it: on disk with this sync, so a power cut
                        // costs only what was staged after the drain (the last sync interval). Only then: writing the
                        // staging file out at every sync put the callers' p99 at 2.6-3.0 µs, from 1.1 µs without
                        // (the kernel's writeback competing with them for the cores; benchmarks/README.md).
                        area.forceBacklog();
                    }
                    if (!sync(writer)) {
                        return;
                    }
                    long position = area.drained();
                    area.release(writer.lastSeq());
                    durableEvents += unsynced;
                    durablePosition = position;
                    unsynced = 0;
                    lastSync = System.nanoTime();
                    wakeWaiters();
                    Shipper s = shipper;
                    if (s != null) {
                        s.wake();
                    }
                }
                continue;
            }
            if (stopping) {
                break;
            }
            if (now - nextRetention >= 0) {
                nextRetention = now + RETENTION_EVERY_NANOS;
                expire(writer);
            }
            idle = true;
            if (!area.ready() && queue.isEmpty() && !stopping) {
                LockSupport.parkNanos(this, IDLE_NANOS);
            }
            idle = false;
        }
    }

    private void wakeWaiters() {
        Thread t;
        while ((t = waiters.poll()) != null) {
            LockSupport.unpark(t);
        }
    }

    /** Opens the journal, retrying while it cannot be (audited calls are refused meanwhile); null when stopping. */
    private JournalWriter openJournal() {
        boolean reported = false;
        while (!stopping) {
            try {
                JournalWriter writer = JournalWriter.open(auditDir, ChainKey.of(settings),
                        new Checkpoints.Policy(settings.checkpointEvents(), settings.checkpointInterval(),
                                settings.jdbc() != null ? Checkpoint.Store.POSTGRESQL : Checkpoint.Store.JOURNAL));
                StagingArea area;
                try {
                    area = StagingArea.open(writer.directory(), stagingCapacity);
                    recoverStaged(writer, area);
                } catch (IOException | RuntimeException e) {
                    writer.close();
                    throw e;
                }
                durablePosition = area.drained();
                journal = writer;
                staging = area;
                if (reported) {
                    Log.info("audit journal open again: audited calls proceed");
                    Monitor.storeState(Store.JOURNAL, true, null);
                }
                unavailable = null;
                if (settings.jdbc() != null) {
                    Shipper s = new Shipper(settings, writer);
                    shipper = s;
                    s.start();
                }
                return writer;
            } catch (IOException | RuntimeException e) {
                // Refuse at once rather than after the queue fills: nothing can be made durable.
                unavailable = "the audit journal in " + auditDir + " cannot be opened (" + e.getMessage() + ")";
                if (!reported) {
                    Log.error(unavailable + ": audited calls are refused until it can be; retrying");
                    reported = true;
                    Monitor.storeState(Store.JOURNAL, false, unavailable);
                }
                LockSupport.parkNanos(this, 5 * RETRY_NANOS);
            }
        }
        return null;
    }

    /** Writes {@code events}, retrying every second while the disk refuses them (full, read-only). */
    private boolean append(JournalWriter writer, List<AuditEvent> events) {
        while (true) {
            try {
                writer.append(events);
                recovered(events.size() + " waiting events written");
                return true;
            } catch (IOException e) {
                if (failed(writer, e)) {
                    Log.error(events.size() + " audit events could not be written before the JVM stopped; those "
                            + "staged are journalled at the next start");
                    return false;
                }
            }
        }
    }

    /**
     * Makes what was written durable, retrying every second while the disk refuses. A failed fsync is retried alone:
     * writing the events again would number them twice.
     */
    private boolean sync(JournalWriter writer) {
        while (true) {
            try {
                writer.sync();
                recovered("written events made durable");
                return true;
            } catch (IOException e) {
                if (failed(writer, e)) {
                    Log.error("audit events written to the journal could not be made durable before the JVM stopped; "
                            + "those staged are journalled at the next start");
                    return false;
                }
            }
        }
    }

    /**
     * Journals what an earlier process staged and the journal does not hold: its callers' calls returned, their events
     * had not been synced when it died. A staged event the journal already holds was written after the last sync the
     * staging header records: its id is among those of the journal's events after that sequence number, and it is
     * skipped, so each event is journalled once. A command that opens the journal itself uses
     * {@link StagedRecovery}.
     */
    static int recoverStaged(JournalWriter writer, StagingArea area) throws IOException {
        int staged = area.leftoverCount();
        if (staged == 0) {
            area.restart(writer.lastSeq());
            // At debug: every start of every JVM would say it, and nothing left is the normal case.
            Log.debug("audit journal " + writer.directory() + ": 0 event(s) staged by calls that had returned before "
                    + "the last stop were left to journal");
            return 0;
        }
        Set<UUID> journalled = new HashSet<>();
        if (writer.lastSeq() > area.leftoverSeq()) {
            try (JournalReader reader = new JournalReader(writer.directory())) {
                for (SealedEvent e : reader.next(area.leftoverSeq(), writer.lastSeq(), Integer.MAX_VALUE)) {
                    journalled.add(e.event().id());
                }
            }
        }
        List<AuditEvent> batch = new ArrayList<>();
        int[] counts = new int[2];
        area.leftovers(new StagingArea.Visitor() {
            @Override
            public void record(int at, int length) throws IOException {
                AuditEvent event;
                try {
                    event = StagedDrafts.read(area.bytes(), area.chars(), at, length);
                } catch (IllegalArgumentException e) {
                    counts[1]++;
                    return;
                }
                if (journalled.contains(event.id())) {
                    return;
                }
                batch.add(event);
                counts[0]++;
                if (batch.size() == BATCH) {
                    writer.append(batch);
                    batch.clear();
                }
            }
        });
        if (!batch.isEmpty()) {
            writer.append(batch);
        }
        writer.sync();
        area.restart(writer.lastSeq());
        Log.info("audit journal " + writer.directory() + ": " + counts[0] + " event(s) staged by calls that had "
                + "returned before the last stop journalled now (" + staged + " staged in all"
                + (counts[1] > 0 ? ", " + counts[1] + " unreadable (torn by a power cut) left out" : "") + ")");
        return counts[0];
    }

    private void recovered(String what) {
        if (failingSince != 0) {
            failingSince = 0;
            writeFailure = null;
            Log.info("audit journal writable again: " + what);
            Monitor.storeState(Store.JOURNAL, true, null);
        }
    }

    /** Why the journal cannot be written now, or null while it can. */
    String writeFailure() {
        return writeFailure;
    }

    /** Reports a failed write (loudly, once a minute) and waits a second; true when it is time to give up. */
    private boolean failed(JournalWriter writer, IOException e) {
        long now = System.nanoTime();
        if (failingSince == 0 || now - lastReport >= REPORT_NANOS) {
            Log.error("the audit journal in " + writer.directory() + " cannot be written (" + e.getMessage()
                    + "; is the disk full?): " + pending.get() + " events wait in memory; audited calls are "
                    + "refused once " + capacity + " wait. Retrying every second.");
            lastReport = now;
        }
        if (failingSince == 0) {
            failingSince = now;
            writeFailure = "the audit journal cannot be written (" + e.getMessage() + ")";
            Monitor.storeState(Store.JOURNAL, false, writeFailure);
        }
        if (stopping && now - failingSince > STOP_TRYING_NANOS) {
            return true;
        }
        LockSupport.parkNanos(this, RETRY_NANOS);
        return false;
    }

    /** Without PostgreSQL the journal is the store: events older than the retention go, a segment at a time. */
    private void expire(JournalWriter writer) {
        Duration retention = settings.retention();
        if (retention == null || settings.jdbc() != null) {
            return;
        }
        try {
            int deleted = Retention.expire(writer.directory(),
                    System.currentTimeMillis() * 1_000 - retention.toNanos() / 1_000);
            if (deleted > 0) {
                Log.info("audit journal: " + deleted + " segment(s) past the retention of " + retention.toDays()
                        + " days deleted");
            }
        } catch (IOException | RuntimeException e) {
            Log.warn("audit journal retention could not run: " + e.getMessage());
        }
    }
}
