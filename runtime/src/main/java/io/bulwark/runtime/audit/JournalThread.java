package io.bulwark.runtime.audit;

import io.bulwark.monitoring.Store;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.Retention;
import io.bulwark.runtime.audit.postgres.Shipper;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.Monitor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The journal's one thread: takes captured events off the pipeline's queue, writes them to the journal at once, and
 * makes them durable in groups, with one fsync at most every {@link #SYNC_NANOS}; then wakes the shipper.
 *
 * <p>Why group commit: an fsync costs this thread ~130 µs of CPU (and the disk ~0.5 ms) however few events it
 * covers. Synced as they came, events went out ten or twenty at a time under load, which made fsync most of the
 * journal's cost (12 µs an event at 50,000 events a second; see benchmarks/README.md). Once a group is open (an event
 * written, not yet synced), the thread sleeps until its 2 ms are up and callers do not wake it; then it writes what
 * they queued meanwhile and syncs all of it at once. So fsync costs at most a few percent of one core at any rate, a
 * caller pays no wake-up, and the first event after a quiet spell is synced at once. Nobody waits for it: callers never
 * wait for the disk; the shipper, which sends only what is durable, sees an event up to 2 ms later; a JVM killed
 * outright loses what it captured in its last 2 ms, not yet written (it never loses what was).
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

    private final AuditSettings settings;
    private final Path auditDir;
    private final Queue<Draft> queue;
    /** Events reserved, queued or written but not yet durable: decremented here once they are. */
    private final AtomicInteger pending;
    private final int capacity;
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
    }

    /** An event was queued: wake the thread if it sleeps with nothing to do (else it comes by within 2 ms). */
    void wake() {
        if (idle) {
            LockSupport.unpark(runner);
        }
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
        prepare.run();
        JournalWriter writer = openJournal();
        if (writer == null) {
            return;
        }
        List<Draft> drafts = new ArrayList<>(BATCH);
        List<AuditEvent> events = new ArrayList<>(BATCH);
        long nextRetention = System.nanoTime();
        long lastSync = System.nanoTime() - SYNC_NANOS;
        int unsynced = 0;
        while (true) {
            long now = System.nanoTime();
            boolean due = now - lastSync >= SYNC_NANOS || stopping;
            if (unsynced > 0 && !due) {
                // A group is open: what callers queue meanwhile joins it, and they need not wake this thread.
                LockSupport.parkNanos(this, lastSync + SYNC_NANOS - now);
                continue;
            }
            Draft d;
            while (drafts.size() < BATCH && (d = queue.poll()) != null) {
                drafts.add(d);
            }
            if (!drafts.isEmpty()) {
                for (Draft draft : drafts) {
                    events.add(draft.toEvent());
                }
                append(writer, events);
                unsynced += drafts.size();
                drafts.clear();
                events.clear();
            }
            if (unsynced > 0) {
                if (due) {
                    sync(writer);
                    pending.addAndGet(-unsynced);
                    unsynced = 0;
                    lastSync = System.nanoTime();
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
            if (queue.isEmpty() && !stopping) {
                LockSupport.parkNanos(this, IDLE_NANOS);
            }
            idle = false;
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
                journal = writer;
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
    private void append(JournalWriter writer, List<AuditEvent> events) {
        while (true) {
            try {
                writer.append(events);
                recovered(events.size() + " waiting events written");
                return;
            } catch (IOException e) {
                if (failed(writer, e)) {
                    Log.error(events.size() + " audit events could not be written before the JVM stopped");
                    return;
                }
            }
        }
    }

    /**
     * Makes what was written durable, retrying every second while the disk refuses. A failed fsync is retried alone:
     * writing the events again would number them twice.
     */
    private void sync(JournalWriter writer) {
        while (true) {
            try {
                writer.sync();
                recovered("written events made durable");
                return;
            } catch (IOException e) {
                if (failed(writer, e)) {
                    Log.error("audit events written to the journal could not be made durable before the JVM stopped");
                    return;
                }
            }
        }
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
