package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.audit.capture.Text;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.log.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Writes a batch so that one bad row cannot hold up the rest: when PostgreSQL refuses the batch over its data, the
 * batch is halved until the refused rows stand alone, and each of those is set aside in {@code audit_rejects} with
 * PostgreSQL's reason and the whole sealed record (so the chain still verifies across it). A row whose month has no
 * partition gets one. A batch holding events already stored (a replay) is written again with
 * {@code ON CONFLICT DO NOTHING}. Anything else (the server down, a timeout) is thrown: the batch is retried later,
 * unchanged.
 */
final class BatchWriter {

    private static final String REJECT = """
            INSERT INTO audit_rejects (writer_id, seq, id, record, reason) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";

    private final CopyInserter copy = new CopyInserter();

    void write(Connection c, List<EncodedEvent> batch) throws SQLException {
        boolean partitioned = false;
        boolean replay = false;
        while (true) {
            try {
                if (replay) {
                    RowInserter.insert(c, decode(batch));
                } else {
                    copy.insert(c, batch);
                }
                c.commit();
                return;
            } catch (SQLException e) {
                c.rollback();
                if (!replay && alreadyStored(e)) {
                    replay = true;
                    continue;
                }
                List<YearMonth> months = months(batch);
                if (!partitioned && missingPartition(e) && !months.isEmpty()) {
                    partitioned = true;
                    try {
                        Partitions.ensure(c, months);
                        continue;
                    } catch (SQLException partitionRefused) {
                        // A month PostgreSQL cannot even make a partition for: the rows are what is wrong.
                        c.rollback();
                        if (!dataError(partitionRefused)) {
                            throw partitionRefused;
                        }
                    }
                }
                if (!dataError(e)) {
                    throw e;
                }
                if (batch.size() == 1) {
                    reject(c, batch.get(0), e);
                    return;
                }
                int half = batch.size() / 2;
                write(c, new ArrayList<>(batch.subList(0, half)));
                write(c, new ArrayList<>(batch.subList(half, batch.size())));
                return;
            }
        }
    }

    private static List<SealedEvent> decode(List<EncodedEvent> batch) {
        List<SealedEvent> sealed = new ArrayList<>(batch.size());
        for (EncodedEvent e : batch) {
            sealed.add(e.decode());
        }
        return sealed;
    }

    private static void reject(Connection c, EncodedEvent event, SQLException e) throws SQLException {
        String reason = Text.clean("[" + e.getSQLState() + "] " + e.getMessage(), 1_000);
        try (PreparedStatement p = c.prepareStatement(REJECT)) {
            p.setObject(1, event.writer());
            p.setLong(2, event.seq());
            p.setObject(3, event.id());
            // prevHash, hash and encoding: the sealed record, as the journal holds it.
            p.setBytes(4, event.payload());
            p.setString(5, reason);
            p.executeUpdate();
        }
        RowInserter.head(c, event.writer(), event.seq(), event.hash());
        c.commit();
        Log.error("audit event " + event.id() + " (writer " + event.writer() + ", #" + event.seq()
                + ") was refused by PostgreSQL and set aside in audit_rejects: " + reason);
    }

    /** SQLSTATE 23505 on the primary key: the batch holds an event stored before (shipped, then replayed). */
    static boolean alreadyStored(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** SQLSTATE 23514 "no partition of relation ... found for row". */
    static boolean missingPartition(SQLException e) {
        return "23514".equals(e.getSQLState()) && e.getMessage() != null
                && e.getMessage().contains("no partition");
    }

    /**
     * Refused over what the rows hold (classes 22 data exception, 23 integrity, 54 program limit), not over trouble.
     */
    static boolean dataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /** The months of the batch's events that a partition can be made for (years 1 to 9999). */
    private static List<YearMonth> months(List<EncodedEvent> batch) {
        TreeSet<YearMonth> months = new TreeSet<>();
        for (EncodedEvent e : batch) {
            long seconds = Math.floorDiv(e.occurredAtMicros(), 1_000_000L);
            if (seconds >= Partitions.FIRST_SECOND && seconds < Partitions.END_SECOND) {
                months.add(YearMonth.from(Instant.ofEpochSecond(seconds).atZone(ZoneOffset.UTC)));
            }
        }
        return new ArrayList<>(months);
    }
}
