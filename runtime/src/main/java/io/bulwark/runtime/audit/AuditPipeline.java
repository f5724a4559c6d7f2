package io.bulwark.runtime.audit;

import io.bulwark.runtime.audit.capture.Redactor;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.Retention;
import io.bulwark.runtime.audit.postgres.Shipper;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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

    private static final int BATCH = 8_192;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long RETENTION_EVERY_NANOS = TimeUnit.HOURS.toNanos(1);

    private final AuditSettings settings;
    private final ConcurrentLinkedQueue<Draft> queue = new ConcurrentLinkedQueue<>();
    /** Events reserved, queued or being written: everything not yet durable in the journal. */
    private final AtomicInteger pending = new AtomicInteger();
    private final int capacity;
    private volatile Thread thread;
    private Thread shutdownHook;
    private boolean closed;
    private volatile boolean sleeping;
    private volatile boolean stopping;
    /** Why audited calls are refused right now, or null. */
    private volatile String unavailable;
    private volatile JournalWriter journal;
    private volatile Shipper shipper;
    private Redactor redactor;

    public AuditPipeline(AuditSettings settings) {
        this.settings = settings;
        this.capacity = settings.queueCapacity();
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
        Thread t = new Thread(this::run, "bulwark-audit-journal");
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
        if (unavailable != null) {
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
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    public String unavailableReason() {
        String reason = unavailable;
        return reason != null ? reason : capacity + " audit events are waiting for the local journal (bulwark.audit.queue)";
    }

    /** The key of {@code @Redact(mode = HASH)}, loaded (or made) on first use; null when it cannot be had. */
    public synchronized Redactor redactor() {
        if (redactor == null) {
            try {
                redactor = new Redactor(HashKey.load(settings));
            } catch (IOException | RuntimeException e) {
                Log.error("the audit hash key cannot be read or made (" + e.getMessage() + "): values redacted with "
                        + "mode = HASH are masked instead");
                return null;
            }
        }
        return redactor;
    }

    /** {@code audit to the journal in bulwark-data/audit}, for the startup line. */
    public String describe() {
        return "audit events to the journal in " + auditDir()
                + (settings.jdbc() == null ? "" : " and on to PostgreSQL at " + settings.jdbc().safeUrl());
    }

    /** Events captured and not yet durable in the journal (for tests and the log). */
    public int pending() {
        return pending.get();
    }

    /** The journal, once the journal thread has opened it; else null. */
    public JournalWriter journal() {
        return journal;
    }

    /** The shipper to PostgreSQL, once started; else null. */
    public Shipper shipper() {
        return shipper;
    }

    private void run() {
        JournalWriter writer = openJournal();
        if (writer == null) {
            return;
        }
        List<Draft> drafts = new ArrayList<>(BATCH);
        long nextRetention = System.nanoTime();
        while (true) {
            Draft d;
            while (drafts.size() < BATCH && (d = queue.poll()) != null) {
                drafts.add(d);
            }
            if (drafts.isEmpty()) {
                if (stopping) {
                    break;
                }
                if (System.nanoTime() - nextRetention >= 0) {
                    nextRetention = System.nanoTime() + RETENTION_EVERY_NANOS;
                    expire(writer);
                }
                sleeping = true;
                if (queue.isEmpty() && !stopping) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                }
                sleeping = false;
                continue;
            }
            List<AuditEvent> events = new ArrayList<>(drafts.size());
            for (Draft draft : drafts) {
                events.add(draft.toEvent());
            }
            write(writer, events);
            pending.addAndGet(-drafts.size());
            drafts.clear();
            Shipper s = shipper;
            if (s != null) {
                s.wake();
            }
        }
    }

    /** Opens the journal, retrying while it cannot be (audited calls are refused meanwhile); null when stopping. */
    private JournalWriter openJournal() {
        boolean reported = false;
        while (!stopping) {
            try {
                JournalWriter writer = JournalWriter.open(auditDir());
                journal = writer;
                if (reported) {
                    Log.info("audit journal open again: audited calls proceed");
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
                unavailable = "the audit journal in " + auditDir() + " cannot be opened (" + e.getMessage() + ")";
                if (!reported) {
                    Log.error(unavailable + ": audited calls are refused until it can be; retrying");
                    reported = true;
                }
                LockSupport.parkNanos(this, 5 * RETRY_NANOS);
            }
        }
        return null;
    }

    private void write(JournalWriter writer, List<AuditEvent> events) {
        long failingSince = 0;
        long lastReport = 0;
        while (true) {
            try {
                List<SealedEvent> sealed = writer.append(events);
                writer.sync();
                if (failingSince != 0) {
                    Log.info("audit journal writable again: " + sealed.size() + " waiting events written");
                }
                return;
            } catch (IOException e) {
                long now = System.nanoTime();
                if (failingSince == 0 || now - lastReport >= REPORT_NANOS) {
                    Log.error("the audit journal in " + writer.directory() + " cannot be written (" + e.getMessage()
                            + "; is the disk full?): " + pending.get() + " events wait in memory; audited calls are "
                            + "refused once " + capacity + " wait. Retrying every second.");
                    lastReport = now;
                }
                if (failingSince == 0) {
                    failingSince = now;
                }
                if (stopping && now - failingSince > TimeUnit.SECONDS.toNanos(5)) {
                    Log.error(events.size() + " audit events could not be written before the JVM stopped");
                    return;
                }
                LockSupport.parkNanos(this, RETRY_NANOS);
            }
        }
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
        stopping = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Shipper s = shipper;
        if (s != null) {
            s.close();
        }
        JournalWriter writer = journal;
        if (writer != null && (t == null || !t.isAlive())) {
            try {
                writer.close();
            } catch (IOException e) {
                Log.warn("closing the audit journal: " + e.getMessage());
            }
        }
    }
}
