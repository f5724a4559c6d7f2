package io.bulwark.runtime.audit;

import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.audit.capture.Redactor;
import io.bulwark.runtime.audit.journal.JournalThread;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.StagingArea;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.audit.postgres.LeftoverJournals;
import io.bulwark.runtime.audit.postgres.Shipper;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.log.Log;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Carries captured events from the calling threads to the journal, and from there (with {@code bulwark.jdbc.url}) to
 * PostgreSQL, so that no caller ever waits for a database, and (in the default durability) not for a disk either.
 *
 * <p><b>Crash-safe before the call returns.</b> A caller writes its event into the journal's staging area, a
 * memory-mapped file ({@link StagingArea}), before its call returns: the kernel keeps it whatever kills the process,
 * and the next start journals it exactly once. With {@code bulwark.audit.durability=sync} the caller also waits for
 * the fsync that covers it.
 *
 * <p><b>When full.</b> Each audited call takes a place before its body runs ({@link #reserve()}); past
 * {@code bulwark.audit.queue} calls begun whose events are not staged yet (calls in flight, async ones included), the
 * call is refused (503) before anything happens. A burst fills the staging area on disk (64 MiB, hundreds of
 * thousands of events), not the heap; should even that be full, a caller waits for the journal to free room rather
 * than being refused. Calls are refused while the journal cannot be opened, or cannot be written and the staging area
 * is half full: that is logged loudly, and service resumes on its own once the disk takes writes again. PostgreSQL
 * being down never fills anything: the journal holds the events until they are shipped.
 */
public final class AuditPipeline implements AutoCloseable {

    private final AuditSettings settings;
    private final ConcurrentLinkedQueue<Draft> queue = new ConcurrentLinkedQueue<>();
    /** Calls begun whose events are not yet staged (or queued). */
    private final AtomicInteger pending = new AtomicInteger();
    /** Events staged or queued by this JVM. */
    private final LongAdder accepted = new LongAdder();
    private final boolean syncEach;
    private final int capacity;
    private final JournalThread journalThread;
    private volatile Thread thread;
    private Thread shutdownHook;
    private boolean closed;
    private volatile Redactor redactor;
    /** Made on first use (a method with both guards is registered), not in premain. */
    private RefusalSummaries refusals;
    /** When to try loading the hash key again after it could not be (System.nanoTime()). */
    private volatile long redactorRetryAt = System.nanoTime();

    public AuditPipeline(AuditSettings settings) {
        this.settings = settings;
        this.capacity = settings.queueCapacity();
        this.syncEach = settings.durability() == AuditSettings.Durability.SYNC;
        // The HASH key is read (or made) on the journal thread as it starts, so the first capture need not touch a
        // file. A class, not a method reference: this runs in premain (see MicroClock.monotonic()).
        this.journalThread = new JournalThread(settings, auditDir(), queue, pending, capacity, new Runnable() {
            @Override
            public void run() {
                redactor();
            }
        });
    }

    /** Where the journal lives: {@code <data-dir>/audit}. */
    public Path auditDir() {
        return settings.dataDir().resolve("audit");
    }

    public AuditSettings settings() {
        return settings;
    }

    /** Starts the journal thread, once; the journal is opened there, not on the caller's thread. */
    public synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        Thread t = new Thread(journalThread, "bulwark-audit-journal");
        t.setDaemon(true);
        thread = t;
        t.start();
        shutdownHook = new Thread(this::close, "bulwark-audit-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Takes a place for one event; false when the call must be refused (see the class comment), with
     * {@link #unavailableReason()} saying why. The first calls of a JVM wait here for the journal to open.
     */
    public boolean reserve() {
        if (journalThread.unavailable() != null) {
            return false;
        }
        StagingArea area = journalThread.staging();
        if (area == null && (thread == null || (area = journalThread.awaitStaging()) == null)) {
            return false;
        }
        if (journalThread.writeFailure() != null && area.fill() >= 0.5) {
            return false;
        }
        while (true) {
            int n = pending.get();
            if (n >= capacity) {
                return false;
            }
            if (pending.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Where refusals of one key by one policy are counted rather than recorded one by one, past the first few. */
    public synchronized RefusalSummaries refusals() {
        if (refusals == null) {
            refusals = new RefusalSummaries(this);
        }
        return refusals;
    }

    /** Gives back a place taken by {@link #reserve()} for an event that will not be submitted. */
    public void release() {
        pending.decrementAndGet();
    }

    /**
     * Hands over the event of a reserved place: staged (crash-safe) before this returns, and in the sync mode durable
     * in the journal too.
     */
    public void submit(Draft draft) {
        StagingArea area = journalThread.staging();
        long end = area == null ? -1 : stage(area, draft);
        accepted.increment();
        pending.decrementAndGet();
        if (end < 0) {
            // Not stageable: the journal never opened, or an event larger than a staging record may be (a quarter of
            // the area). It waits on the heap, as every event once did: kept unless the process dies first.
            queue.offer(draft);
            journalThread.wakeNow();
            return;
        }
        journalThread.wake();
        if (syncEach) {
            journalThread.awaitDurable(end);
        }
    }

    /** Writes {@code draft} into the staging area, waiting for room when it is full; where its record ends, or -1. */
    private long stage(StagingArea area, Draft draft) {
        int length = StagedDrafts.length(draft);
        if (length > area.maxPayload()) {
            return -1;
        }
        long position;
        while ((position = area.reserve(length)) < 0) {
            // Full: the journal frees room at its next sync (within 2 ms while it can write). The call has run, so
            // its event is never dropped: the caller waits.
            journalThread.wakeNow();
            LockSupport.parkNanos(this, 50_000);
        }
        try {
            StagedDrafts.write(draft, area, area.payloadAt(position));
        } catch (RuntimeException | Error e) {
            area.abandon(position, length);
            return -1;
        }
        journalThread.hand(position, draft);
        area.commit(position, length);
        return area.end(position, length);
    }

    public String unavailableReason() {
        String reason = journalThread.unavailable();
        if (reason != null) {
            return reason;
        }
        StagingArea area = journalThread.staging();
        if (area == null) {
            return thread == null ? "the audit journal is not started" : "the audit journal did not open within 30 s";
        }
        String failure = journalThread.writeFailure();
        if (failure != null && area.fill() >= 0.5) {
            return failure + " and its staging area is half full";
        }
        return capacity + " audited calls are in flight with their events not yet staged (bulwark.audit.queue)";
    }

    /**
     * The key of {@code @Redact(mode = HASH)}, loaded (or made) on first use; null when it cannot be had (tried again
     * a minute later). Every capture asks: a volatile read, not a lock every calling thread would queue on.
     */
    public Redactor redactor() {
        Redactor r = redactor;
        return r != null || System.nanoTime() - redactorRetryAt < 0 ? r : loadRedactor();
    }

    private synchronized Redactor loadRedactor() {
        if (redactor == null && System.nanoTime() - redactorRetryAt >= 0) {
            try {
                redactor = new Redactor(HashKey.load(settings));
            } catch (IOException | RuntimeException e) {
                redactorRetryAt = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                Log.error("the audit hash key cannot be read or made (" + e.getMessage() + "): values redacted with "
                        + "mode = HASH are masked instead; trying again in a minute");
            }
        }
        return redactor;
    }

    /** {@code audit to the journal in bulwark-data/audit}, for the startup line. */
    public String describe() {
        return "audit events to the journal in " + auditDir()
                + (settings.jdbc() == null ? "" : " and on to PostgreSQL at " + settings.jdbc().safeUrl());
    }

    /**
     * The journal's and PostgreSQL's state now, for health checks: the journal is unavailable while it cannot be
     * opened or written, or while its hand-off is full (audited calls are then refused); PostgreSQL while the shipper
     * cannot reach it (events wait in the journal). Before the first {@code @Audited} method, both are "not in use".
     */
    public List<BulwarkStatus.StoreStatus> storeStatus() {
        BulwarkStatus.StoreStatus journal;
        String unavailable = journalThread.unavailable();
        String writeFailure = journalThread.writeFailure();
        if (thread == null) {
            journal = new BulwarkStatus.StoreStatus(Store.JOURNAL, true, "not in use yet");
        } else if (unavailable != null || writeFailure != null) {
            journal = new BulwarkStatus.StoreStatus(Store.JOURNAL, false, unavailable != null ? unavailable
                    : writeFailure);
        } else if (pending.get() >= capacity) {
            journal = new BulwarkStatus.StoreStatus(Store.JOURNAL, false, unavailableReason());
        } else if (journalThread.staging() != null && journalThread.staging().fill() >= 0.9) {
            journal = new BulwarkStatus.StoreStatus(Store.JOURNAL, false, "its staging area is "
                    + Math.round(journalThread.staging().fill() * 100) + "% full: audited calls may wait for room");
        } else {
            journal = new BulwarkStatus.StoreStatus(Store.JOURNAL, true, "up");
        }
        if (settings.jdbc() == null) {
            return List.of(journal);
        }
        Shipper s = journalThread.shipper();
        String down = s == null ? null : s.downReason();
        BulwarkStatus.StoreStatus database = s == null
                ? new BulwarkStatus.StoreStatus(Store.POSTGRESQL, true, "not in use yet")
                : new BulwarkStatus.StoreStatus(Store.POSTGRESQL, down == null, down == null ? "up" : "down: " + down);
        return List.of(journal, database);
    }

    /**
     * Events captured and not yet in their final store: PostgreSQL when configured (those still on their way to the
     * journal, and those in it not yet shipped), else the journal.
     */
    public long backlog() {
        Shipper s = journalThread.shipper();
        return pending() + (s == null ? 0 : s.backlog());
    }

    /** Bytes the journal's file system has left for this JVM, or -1 when unknown. */
    public long journalUsableBytes() {
        for (File dir = auditDir().toFile().getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
            if (dir.exists()) {
                return dir.getUsableSpace();
            }
        }
        return -1;
    }

    /** Events captured and not yet durable in the journal (for tests and the log). */
    public int pending() {
        return (int) Math.min(Integer.MAX_VALUE, pending.get() + journalThread.notDurable(accepted.sum()));
    }

    /** The journal, once the journal thread has opened it; else null. */
    public JournalWriter journal() {
        return journalThread.journal();
    }

    /** The shipper to PostgreSQL, once started; else null. */
    public Shipper shipper() {
        return journalThread.shipper();
    }

    /**
     * Writes what was captured, ships what the journal holds, stops the threads. Called on JVM shutdown; once is
     * enough.
     *
     * <p>The drain: with PostgreSQL, a JVM that exits does not leave its events behind in a journal that a container's
     * disk may take with it. Once the journal thread has written and synced the last events, shipping goes on until
     * PostgreSQL holds this writer's journal and every journal an earlier JVM left in the data directory (nobody else
     * holds), for at most {@code bulwark.audit.drain-timeout} from the start of the shutdown; one line says what was
     * shipped and what is left. What is left waits in the journal for the next start, or {@code audit ship}.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: it finds this pipeline closed
                }
            }
        }
        RefusalSummaries counted;
        synchronized (this) {
            counted = refusals;
        }
        if (counted != null) {
            // The counts of the minute not yet over, and any that found the pipeline full: written before it stops.
            counted.sweep(true);
        }
        journalThread.stop();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Shipper s = journalThread.shipper();
        JournalWriter writer = journalThread.journal();
        if (s != null) {
            long deadline = started + settings.drainTimeout().toNanos();
            Runnable report = drain(s, writer, deadline, started);
            // Its thread may be waiting on PostgreSQL: the exit waits for it only until the deadline (and a moment).
            s.close(Math.max(200, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            report.run();
        }
        if (writer != null && (t == null || !t.isAlive())) {
            try {
                writer.close();
            } catch (IOException e) {
                Log.warn("closing the audit journal: " + e.getMessage());
            }
        }
        StagingArea area = journalThread.staging();
        if (area != null && (t == null || !t.isAlive())) {
            // Its mapping stays valid: a call still ending now stages its event for the next start to journal.
            try {
                area.close();
            } catch (IOException e) {
                Log.warn("closing the audit staging area: " + e.getMessage());
            }
        }
    }

    /**
     * Ships what is left before the JVM ends, until {@code deadline} at most; returns the logging of the one line that
     * says how it went (logged once the shipper has stopped and logged its last checkpoint).
     */
    private Runnable drain(Shipper s, JournalWriter writer, long deadline, long started) {
        long before = s.shipped();
        long own = s.drain(deadline);
        long shipped = s.shipped() - before;
        long others = 0;
        StringBuilder left = new StringBuilder();
        if (own > 0) {
            left.append(own).append(" of this JVM's in ").append(writer.directory());
        }
        if (pending.get() > 0) {
            append(left, pending.get() + " never written to the journal (it could not be written)");
        }
        try {
            if (System.nanoTime() - deadline >= 0) {
                int journals = WriterDirectory.list(auditDir()).size() - 1;
                if (journals > 0) {
                    append(left, "those of " + journals + " other journal(s) in " + auditDir() + ", if any (not looked "
                            + "at: no time was left)");
                }
            }
            for (LeftoverJournals.Outcome o : System.nanoTime() - deadline >= 0 ? List.<LeftoverJournals.Outcome>of()
                    : LeftoverJournals.ship(settings, writer.directory(), deadline)) {
                shipped += o.shipped();
                if (o.problem() != null) {
                    append(left, (o.left() < 0 ? "those" : String.valueOf(o.left())) + " of writer " + o.writer()
                            + " (" + o.problem() + ")");
                }
                others += o.shipped();
            }
        } catch (IOException | RuntimeException e) {
            append(left, "those earlier JVMs left in " + auditDir() + " (it cannot be read: " + e.getMessage() + ")");
        }
        String reason = own > 0 && s.downReason() != null ? " (PostgreSQL: " + s.downReason() + ")"
                : own > 0 ? " (the bulwark.audit.drain-timeout of " + settings.drainTimeout().toMillis() + " ms passed)"
                : "";
        String line = "audit journal drained at exit: " + shipped + " event(s) shipped to PostgreSQL"
                + (others > 0 ? " (" + others + " of them left by earlier JVMs)" : "") + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms, ";
        if (left.length() == 0) {
            String done = line + "none left";
            return new Runnable() {
                @Override
                public void run() {
                    Log.info(done);
                }
            };
        }
        String warning = line + "left: " + left + reason + "; they wait in the journal for the next start with this "
                + "data directory, or 'java -jar bulwark-agent.jar audit ship'";
        return new Runnable() {
            @Override
            public void run() {
                Log.warn(warning);
            }
        };
    }

    private static void append(StringBuilder to, String what) {
        if (to.length() > 0) {
            to.append("; ");
        }
        to.append(what);
    }
}
