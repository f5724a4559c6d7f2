package io.bulwark.runtime.audit.postgres;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The COPYs of consecutive batches, run side by side on their own connections and committed strictly in order, so
 * that what PostgreSQL holds of a writer's chain is always a prefix of it, as with one connection.
 *
 * <p>Why side by side: one COPY keeps one PostgreSQL backend busy, a core at most, and it idles while its batch is
 * read, its commit is flushed and the next one starts. Two COPYs took 35-65% more rows a second than one on this
 * project's 2-core machine, three or four fewer than two (benchmarks/README.md); and each holds a connection of
 * Bulwark's small pool.
 *
 * <p>Only the plain case runs side by side: a COPY touches nothing but its own new rows, and its batch's head in
 * {@code audit_writers} is written when its turn to commit comes, so a waiting COPY holds no lock another needs.
 * When a COPY fails over its data (a replay meeting stored rows, a row PostgreSQL refuses, a month without a
 * partition), the COPYs behind it are rolled back first, and its batch is written alone the careful way
 * ({@link BatchWriter}), which may create partitions and set rows aside.
 *
 * <p>Why the commits wait for their turn rather than land as each COPY ends (looked at again for issue 14's
 * events-a-second target, and kept): a later batch committed first would leave PostgreSQL holding a chain with a gap
 * until the earlier one commits, and for good when the JVM dies in between. Stored once would still hold (a replayed
 * batch meets its rows' primary keys and goes the careful way, {@code ON CONFLICT DO NOTHING}), but the shipping
 * cursor ({@link ShipCursor}, the journal's deletion and the checkpoint of what is shipped) could then only record
 * the prefix, the head in {@code audit_writers} would have to stay at the prefix's end while rows past it exist, and
 * {@code audit verify} would have to tell such a gap from a deletion: it can only by trusting rows past the head,
 * which is what a forger would write. The wait costs little: both COPYs stream and run in PostgreSQL side by side,
 * only the later one's commit waits, and with 10,000-row batches that is one WAL flush (a few ms) in ~100 ms.
 */
final class OrderedCopies implements AutoCloseable {

    private record InFlight(List<EncodedEvent> batch, CopyInserter inserter, Future<Connection> copied) {
    }

    private final HikariDataSource pool;
    private final int parallel;
    private final ExecutorService threads;
    private final ArrayDeque<CopyInserter> idle = new ArrayDeque<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final BatchWriter careful = new BatchWriter();

    /** @param parallel COPYs at most in flight; each holds a connection of {@code pool} while it runs */
    OrderedCopies(HikariDataSource pool, int parallel) {
        this.pool = pool;
        this.parallel = parallel;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(parallel, task -> {
            Thread t = new Thread(task, "bulwark-audit-copy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < parallel; i++) {
            idle.add(new CopyInserter());
        }
    }

    boolean hasRoom() {
        return inFlight.size() < parallel;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Starts the COPY of {@code batch}, which follows the batches in flight. */
    void start(List<EncodedEvent> batch) {
        CopyInserter inserter = idle.remove();
        inFlight.add(new InFlight(batch, inserter, threads.submit(() -> copy(inserter, batch))));
    }

    private Connection copy(CopyInserter inserter, List<EncodedEvent> batch) throws SQLException {
        Connection c = pool.getConnection();
        try {
            inserter.copy(c, batch);
            return c;
        } catch (SQLException | RuntimeException | Error e) {
            discard(c);
            throw e;
        }
    }

    /**
     * Waits for the oldest COPY and commits it with its batch's head; or, when it failed over its data, rolls back
     * the ones behind it (they must be started again: {@link #isEmpty()}) and writes its batch the careful way.
     *
     * @return the batch's last event, now committed
     * @throws SQLException when PostgreSQL cannot be reached or fails otherwise: the batch is not committed, and the
     *                      caller {@link #abandon()}s the rest
     */
    EncodedEvent commitOldest() throws SQLException {
        InFlight oldest = inFlight.remove();
        EncodedEvent last = oldest.batch().get(oldest.batch().size() - 1);
        Connection c;
        try {
            c = await(oldest.copied());
        } catch (ExecutionException e) {
            SQLException failure = sqlCause(e);
            if (!BatchWriter.dataError(failure)) {
                throw failure;
            }
            abandon();
            try (Connection alone = pool.getConnection()) {
                careful.write(alone, oldest.batch());
            }
            return last;
        } finally {
            idle.add(oldest.inserter());
        }
        try {
            RowInserter.head(c, last.writer(), last.seq(), last.hash());
            c.commit();
        } catch (SQLException | RuntimeException e) {
            discard(c);
            throw e;
        }
        c.close();
        return last;
    }

    /** Waits for every COPY in flight and rolls it back. */
    void abandon() {
        while (!inFlight.isEmpty()) {
            InFlight f = inFlight.remove();
            try {
                discard(await(f.copied()));
            } catch (ExecutionException e) {
                // failed, and already rolled back
            } finally {
                idle.add(f.inserter());
            }
        }
    }

    /**
     * The COPY's outcome, however long it takes: a COPY left behind would keep its connection, and its transaction,
     * open. An interrupt is kept for the caller.
     */
    private static Connection await(Future<Connection> copied) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return copied.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SQLException sqlCause(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof SQLException s) {
            return s;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new SQLException(cause);
    }

    /** Rolls back and returns a connection to the pool, quietly: the error that got here is the one to report. */
    private static void discard(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // a broken connection rolls back on its own
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // the pool drops a broken connection
        }
    }

    @Override
    public void close() {
        abandon();
        threads.shutdownNow();
    }
}
