package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.audit.StagedRecovery;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import io.bulwark.runtime.audit.journal.JournalDamagedException;
import io.bulwark.runtime.audit.journal.JournalReader;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.StagingArea;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Ships the journals no running JVM writes: those an earlier JVM left in the data directory (it exited before its
 * events reached PostgreSQL, or was killed), for {@code audit ship} from a shell and for a JVM's drain at exit. Each
 * writer directory is locked while it is shipped, as a JVM taking it over would lock it, so two of them never ship the
 * same events at once; one a running JVM holds is left to that JVM.
 *
 * <p>Unlike the {@link Shipper} beside a live writer, this reads every whole frame of the journal (no writer is
 * appending: a torn last frame was never durable and is not shipped), in batches written one at a time the careful
 * way ({@link BatchWriter}: replays skipped, refused rows set aside), each committed with its writer's head; then the
 * directory's ship cursor moves, the shipped segments are deleted, and a checkpoint of PostgreSQL is taken for the
 * writer ({@link Checkpoints}), as its own JVM would have.
 */
public final class LeftoverJournals {

    private static final String APP = "bulwark-audit-ship";

    /**
     * What became of one writer's journal.
     *
     * @param shipped events shipped now
     * @param left    events still not in PostgreSQL; -1 when not known (a running JVM holds the journal)
     * @param why     why some are left, or null when none are
     * @param problem the same, in words, or null
     */
    public record Outcome(UUID writer, Path directory, long shipped, long left, Why why, String problem) {
    }

    /** Why events are left. */
    public enum Why {
        /** A running JVM holds the journal (it ships them itself). */
        HELD,
        /** PostgreSQL cannot be reached or refused the batch for something other than its data. */
        DATABASE,
        /** The deadline passed. */
        TIME,
        /** A frame does not check out: shipping stops before it. */
        DAMAGED
    }

    private LeftoverJournals() {
    }

    /**
     * Ships every writer directory under {@code settings.auditDir()} that no JVM holds, except {@code own} (null for
     * none), until done or {@code deadline} ({@link System#nanoTime()}) passes.
     *
     * @return one outcome per writer directory found (those with nothing to ship included)
     */
    public static List<Outcome> ship(AuditSettings settings, Path own, long deadline) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        Connection[] connection = new Connection[1];
        ChainKey key = chainKey(settings);
        try {
            for (Path dir : WriterDirectory.list(settings.auditDir())) {
                if (own != null && dir.equals(own)) {
                    continue;
                }
                UUID writer = WriterDirectory.writerOf(dir);
                try (WriterDirectory held = WriterDirectory.tryLock(dir)) {
                    if (held == null) {
                        outcomes.add(new Outcome(writer, dir, 0, -1, Why.HELD, "a running JVM writes this journal and "
                                + "ships it itself"));
                        continue;
                    }
                    journalStaged(settings, key, held);
                    Outcome down = outcomes.isEmpty() ? null : outcomes.get(outcomes.size() - 1);
                    if (down != null && down.why() == Why.DATABASE) {
                        // PostgreSQL just failed: not tried again for each journal (each try may take seconds).
                        long cursor = ShipCursor.read(dir);
                        long left = left(dir, cursor);
                        outcomes.add(new Outcome(writer, dir, 0, left, left == 0 ? null : Why.DATABASE,
                                left == 0 ? null : down.problem()));
                        continue;
                    }
                    outcomes.add(shipOne(settings, key, dir, writer, connection, deadline));
                }
            }
        } finally {
            if (connection[0] != null) {
                try {
                    connection[0].close();
                } catch (SQLException ignored) {
                    // nothing was left uncommitted
                }
            }
        }
        return outcomes;
    }

    private static Outcome shipOne(AuditSettings settings, ChainKey key, Path dir, UUID writer, Connection[] connection,
            long deadline) throws IOException {
        long cursor = ShipCursor.read(dir);
        long shipped = 0;
        Checkpoints checkpoints = key == null ? null : new Checkpoints(key, settings.auditDir(), writer,
                new Checkpoints.Policy(settings.checkpointEvents(), settings.checkpointInterval(),
                        Checkpoint.Store.POSTGRESQL));
        String problem = null;
        Why why = null;
        try (JournalReader reader = new JournalReader(dir)) {
            while (true) {
                List<EncodedEvent> batch = reader.next(cursor, WHOLE, Shipper.BATCH);
                if (batch.isEmpty()) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    why = Why.TIME;
                    problem = "the time to ship them ran out";
                    break;
                }
                try {
                    if (connection[0] == null) {
                        connection[0] = connect(settings, deadline);
                    }
                    new BatchWriter().write(connection[0], batch);
                } catch (SQLException | RuntimeException e) {
                    why = Why.DATABASE;
                    problem = "PostgreSQL at " + settings.jdbc().safeUrl() + " cannot take them ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
                    closeQuietly(connection);
                    break;
                }
                EncodedEvent last = batch.get(batch.size() - 1);
                cursor = last.seq();
                shipped += batch.size();
                ShipCursor.write(dir, cursor);
                JournalWriter.deleteThrough(dir, cursor);
                if (checkpoints != null) {
                    checkpoints.shipped(cursor, last.hash());
                }
            }
        } catch (JournalDamagedException e) {
            why = Why.DAMAGED;
            problem = "the journal is damaged (" + e.getMessage() + "); run 'audit verify'";
        } finally {
            if (checkpoints != null) {
                checkpoints.closing();
            }
        }
        return new Outcome(writer, dir, shipped, problem == null ? 0 : left(dir, cursor), why, problem);
    }

    /** Every whole frame: no writer appends to a leftover journal. */
    private static final JournalWriter.Mark WHOLE = new JournalWriter.Mark(Long.MAX_VALUE, null, 0);

    /** The whole events after {@code cursor} in a journal (up to the first damaged frame). */
    private static long left(Path dir, long cursor) throws IOException {
        long left = 0;
        try (JournalReader reader = new JournalReader(dir)) {
            long after = cursor;
            while (true) {
                List<EncodedEvent> batch = reader.next(after, WHOLE, Shipper.BATCH);
                if (batch.isEmpty()) {
                    return left;
                }
                left += batch.size();
                after = batch.get(batch.size() - 1).seq();
            }
        } catch (JournalDamagedException e) {
            return left;
        }
    }

    private static Connection connect(AuditSettings settings, long deadline) throws SQLException {
        Connection c = Database.connect(settings.jdbc(), APP);
        try {
            // A server that stops answering must not hold the JVM's exit past its deadline (the driver's own socket
            // timeout is a minute).
            long millis = Math.max(1_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, millis));
            Schema.migrate(c);
            Partitions.ensureAhead(c, Instant.now());
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void closeQuietly(Connection[] connection) {
        if (connection[0] != null) {
            try {
                connection[0].rollback();
                connection[0].close();
            } catch (SQLException ignored) {
                // a broken connection: the error that got here is the one to report
            }
            connection[0] = null;
        }
    }

    /** The chain key checkpoints are signed with, or null when it cannot be had (the events still ship). */
    /**
     * Journals what the writer's callers staged and its journal never took (its JVM was killed: issue 14), so that it
     * ships with the rest. A journal that cannot be opened (damage) is shipped as far as it goes, as before.
     */
    private static void journalStaged(AuditSettings settings, ChainKey key, WriterDirectory held) {
        if (key == null || !Files.exists(held.path().resolve(StagingArea.FILE))) {
            return;
        }
        try (JournalWriter writer = JournalWriter.openHeld(held, key, new Checkpoints.Policy(
                settings.checkpointEvents(), settings.checkpointInterval(), Checkpoint.Store.POSTGRESQL))) {
            StagedRecovery.recover(writer);
        } catch (IOException | RuntimeException e) {
            Log.warn("audit journal " + held.path() + ": the events its callers staged could not be journalled ("
                    + e.getMessage() + "); the next JVM to take it over tries again");
        }
    }

    private static ChainKey chainKey(AuditSettings settings) {
        try {
            return ChainKey.of(settings);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
