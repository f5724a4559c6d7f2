package io.bulwark.runtime.audit;

import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.audit.capture.Redactor;
import io.bulwark.runtime.audit.journal.JournalWriter;
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

/**
 * Carries captured events from the calling threads to the journal, and from there (with {@code bulwark.jdbc.url}) to
 * PostgreSQL, so that no caller ever waits for a disk or a database.
 *
 * <p><b>When full.</b> Each audited call reserves its place before its body runs ({@link #reserve()}); past
 * {@code bulwark.audit.queue} events not yet in the journal, the call is refused (503) before anything happens. So an
 * action is never taken without its event having room, and an event, once captured, is never dropped. The queue fills
 * only when the local disk cannot keep up or is failing (full, read-only): that is logged loudly, and service
 * resumes on its own once the disk takes writes again. PostgreSQL being down never fills it: the journal holds the
 * events until they are shipped.
 */
public final class AuditPipeline implements AutoCloseable {

    private final AuditSettings settings;
    private final ConcurrentLinkedQueue<Draft> queue = new ConcurrentLinkedQueue<>();
    /** Events reserved, queued or being written: everything not yet durable in the journal. */
    private final AtomicInteger pending = new AtomicInteger();
    private final int capacity;
    private final JournalThread journalThread;
    private volatile Thread thread;
    private Thread shutdownHook;
    private boolean closed;
    private volatile Redactor redactor;
    /** When to try loading the hash key again after it could not be (System.nanoTime()). */
    private volatile long redactorRetryAt = System.nanoTime();

    public AuditPipeline(AuditSettings settings) {
        this.settings = settings;
        this.capacity = settings.queueCapacity();
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
     * {@link #unavailableReason()} saying why.
     */
    public boolean reserve() {
        if (journalThread.unavailable() != null) {
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

    /** Gives back a place taken by {@link #reserve()} for an event that will not be submitted. */
    public void release() {
        pending.decrementAndGet();
    }

    /** Hands over the event of a reserved place. */
    public void submit(Draft draft) {
        queue.offer(draft);
        journalThread.wake();
    }

    public String unavailableReason() {
        String reason = journalThread.unavailable();
        return reason != null ? reason
                : capacity + " audit events are waiting for the local journal (bulwark.audit.queue)";
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
        return pending.get() + (s == null ? 0 : s.backlog());
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
        return pending.get();
    }

    /** The journal, once the journal thread has opened it; else null. */
    public JournalWriter journal() {
        return journalThread.journal();
    }

    /** The shipper to PostgreSQL, once started; else null. */
    public Shipper shipper() {
        return journalThread.shipper();
    }

    /** Writes what was captured, stops the threads. Called on JVM shutdown; once is enough. */
    @Override
    public void close() {
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
        if (s != null) {
            s.close();
        }
        JournalWriter writer = journalThread.journal();
        if (writer != null && (t == null || !t.isAlive())) {
            try {
                writer.close();
            } catch (IOException e) {
                Log.warn("closing the audit journal: " + e.getMessage());
            }
        }
    }
}
