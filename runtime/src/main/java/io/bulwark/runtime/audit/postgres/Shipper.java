package io.bulwark.runtime.audit.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import io.bulwark.runtime.audit.journal.JournalDamagedException;
import io.bulwark.runtime.audit.journal.JournalReader;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.Monitor;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ships the journal to PostgreSQL on its own thread: reads what the journal has made durable, inserts it in batches,
 * commits, then records how far it got. The journal stays the source of truth until then, so PostgreSQL being down,
 * slow or restarted costs nothing but delay; the caller never waits for it. Each change of state is logged once.
 */
public final class Shipper implements AutoCloseable {

    /**
     * Events a COPY at most: a commit waits for PostgreSQL to flush its WAL, and COPYs of 2,000 rows went 20% slower
     * than one long COPY; batches of 10,000 (about 5 MB) took shipping from 40,842 to 48,322 events a second on one
     * connection (benchmarks/README.md).
     */
    static final int BATCH = 10_000;
    /** COPYs in flight at once, if the pool has the connections (see {@link OrderedCopies}). */
    static final int PARALLEL = 2;
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long MAINTENANCE_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long DRAIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final AuditSettings settings;
    private final JournalWriter journal;
    private final Path writerDir;
    private final HikariDataSource pool;
    private final OrderedCopies copies;
    private volatile Thread thread;
    private volatile boolean sleeping;
    private volatile boolean stopping;
    private volatile long shipped;
    private boolean ready;
    private volatile boolean down;
    private volatile String downReason;
    /** When each COPY in flight started (System.nanoTime()), oldest first: for {@link Monitor#auditShipped}. */
    private final ArrayDeque<Long> copyStarts = new ArrayDeque<>();
    private long nextMaintenance;

    public Shipper(AuditSettings settings, JournalWriter journal) {
        this.settings = settings;
        this.journal = journal;
        this.writerDir = journal.directory();
        this.pool = Database.pool(settings.jdbc(), "bulwark-audit");
        this.copies = new OrderedCopies(pool, Math.min(PARALLEL, settings.jdbc().poolSize()));
    }

    public synchronized void start() {
        if (thread != null || stopping) {
            return;
        }
        Thread t = new Thread(this::run, "bulwark-audit-shipper");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** New events are durable: ship them now rather than at the next poll. */
    public void wake() {
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** The last sequence number PostgreSQL has committed for this JVM's writer. */
    public long shipped() {
        return shipped;
    }

    private void run() {
        JournalReader reader = new JournalReader(writerDir);
        long backoff = TimeUnit.MILLISECONDS.toNanos(100);
        try {
            shipped = ShipCursor.read(writerDir);
            // The last event handed to a COPY: ahead of what is committed while COPYs are in flight.
            long handedOut = shipped;
            while (!stopping) {
                try {
                    if (!ready) {
                        prepare();
                    }
                    if (copies.hasRoom()) {
                        List<EncodedEvent> batch = reader.next(handedOut, journal.durable(), BATCH);
                        if (!batch.isEmpty()) {
                            copies.start(batch);
                            copyStarts.add(System.nanoTime());
                            handedOut = batch.get(batch.size() - 1).seq();
                            continue;
                        }
                    }
                    if (copies.isEmpty()) {
                        maintain();
                        idle();
                        continue;
                    }
                    long before = shipped;
                    EncodedEvent committed = copies.commitOldest();
                    long last = committed.seq();
                    shipped = last;
                    journal.checkpoints().shipped(last, committed.hash());
                    if (copies.isEmpty()) {
                        // Those behind it were rolled back (or there were none): hand out again from here.
                        handedOut = last;
                    }
                    ShipCursor.write(writerDir, last);
                    JournalWriter.deleteThrough(writerDir, last);
                    up();
                    Long started = copyStarts.poll();
                    Monitor.auditShipped((int) (last - before), started == null ? 0 : System.nanoTime() - started,
                            Math.max(0, journal.durableSeq() - last));
                    if (copies.isEmpty()) {
                        copyStarts.clear();
                    }
                    backoff = TimeUnit.MILLISECONDS.toNanos(100);
                } catch (SQLException | RuntimeException e) {
                    copies.abandon();
                    copyStarts.clear();
                    handedOut = shipped;
                    down(e);
                    LockSupport.parkNanos(this, backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                }
            }
        } catch (JournalDamagedException e) {
            Log.error("audit shipping to PostgreSQL stopped: " + e.getMessage());
        } catch (IOException e) {
            Log.error("audit shipping to PostgreSQL stopped: the journal cannot be read (" + e.getMessage() + ")");
        } finally {
            journal.checkpoints().closing();
            // This thread alone touches the COPYs: it rolls back what is in flight and stops their threads.
            copies.close();
            try {
                reader.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }

    private void prepare() throws SQLException {
        try (Connection c = pool.getConnection()) {
            Schema.migrate(c);
            Partitions.ensureAhead(c, Instant.now());
        }
        ready = true;
        nextMaintenance = System.nanoTime() + MAINTENANCE_NANOS;
        if (settings.retention() != null) {
            nextMaintenance = System.nanoTime();
        }
    }

    /** Hourly: partitions ahead, and old ones dropped past the retention. */
    private void maintain() throws SQLException {
        if (System.nanoTime() - nextMaintenance < 0) {
            return;
        }
        nextMaintenance = System.nanoTime() + MAINTENANCE_NANOS;
        try (Connection c = pool.getConnection()) {
            Partitions.ensureAhead(c, Instant.now());
            if (settings.retention() != null) {
                Partitions.expire(c, Instant.now(), settings.retention(), journal.key());
            }
        }
    }

    private void idle() {
        sleeping = true;
        if (journal.durableSeq() <= shipped && !stopping) {
            LockSupport.parkNanos(this, IDLE_NANOS);
        }
        sleeping = false;
    }

    private void up() {
        if (down) {
            down = false;
            downReason = null;
            Log.info("PostgreSQL is reachable again: audit events are being shipped ("
                    + (journal.durableSeq() - shipped) + " still waiting in the journal)");
            Monitor.storeState(Store.POSTGRESQL, true, null);
        }
    }

    private void down(Exception e) {
        ready = false;
        if (!down) {
            down = true;
            downReason = describe(e);
            Log.warn("PostgreSQL at " + settings.jdbc().safeUrl() + " cannot take audit events ("
                    + downReason + "): they are kept in the local journal and shipped once it can");
            Monitor.storeState(Store.POSTGRESQL, false, downReason);
        }
    }

    /** Why PostgreSQL cannot take events now, or null while it can (or has not been found wanting yet). */
    public String downReason() {
        return down ? downReason : null;
    }

    /** Events of this JVM durable in the journal and not yet committed in PostgreSQL. */
    public long backlog() {
        return Math.max(0, journal.durableSeq() - shipped);
    }

    private static String describe(Exception e) {
        String state = e instanceof SQLException s && s.getSQLState() != null ? " [" + s.getSQLState() + "]" : "";
        return e.getClass().getSimpleName() + state + ": " + e.getMessage();
    }

    /**
     * At a normal exit, once the journal has written and synced its last events: lets shipping go on until PostgreSQL
     * holds every event of this writer's journal or {@code deadline} ({@link System#nanoTime()}) passes, whichever
     * comes first; then {@link #close()} stops it. PostgreSQL being down meanwhile is retried as always (backing off
     * up to 5 s).
     *
     * @return the events of this writer still not in PostgreSQL
     */
    public long drain(long deadline) {
        Thread t = thread;
        while (t != null && t.isAlive() && backlog() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wake();
            LockSupport.parkNanos(this, Math.min(left, DRAIN_POLL_NANOS));
        }
        return backlog();
    }

    /** Stops shipping (what is not shipped stays in the journal for the next start) and closes the pool. */
    @Override
    public void close() {
        close(TimeUnit.SECONDS.toMillis(5));
    }

    /**
     * As {@link #close()}, waiting at most {@code joinMillis} for the shipping thread to stop (at exit, past the
     * drain's deadline: a COPY it leaves behind is rolled back by PostgreSQL when the connection drops, and replayed
     * later).
     */
    public void close(long joinMillis) {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(Math.max(1, joinMillis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t == null) {
            copies.close();
        }
        pool.close();
    }
}
