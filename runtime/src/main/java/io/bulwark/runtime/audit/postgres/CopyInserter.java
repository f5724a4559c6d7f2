package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.audit.chain.EncodedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Inserts a batch with one binary {@code COPY}, streamed in chunks as the rows are made, so PostgreSQL parses one chunk
 * while the next is written. COPY has no {@code ON CONFLICT}: a batch holding an event already stored (a replay after a
 * crash) fails whole with a unique violation, and {@link BatchWriter} writes it again through {@link RowInserter},
 * which skips what is there.
 */
final class CopyInserter {

    static final String COPY = "COPY audit_logs (" + CopyRows.COLUMNS + ") FROM STDIN (FORMAT binary)";
    /** Sent to the server whenever this much is ready: large enough for few writes, small enough to overlap. */
    private static final int CHUNK = 1 << 16;

    private final CopyRows rows = new CopyRows(CHUNK + (CHUNK >> 1));

    /** Inserts {@code batch} and records its last event as its writer's newest (not committed). */
    void insert(Connection c, List<EncodedEvent> batch) throws SQLException {
        copy(c, batch);
        EncodedEvent last = batch.get(batch.size() - 1);
        RowInserter.head(c, last.writer(), last.seq(), last.hash());
    }

    /** Inserts {@code batch} (not committed), touching no other row: what may run beside another batch's COPY. */
    void copy(Connection c, List<EncodedEvent> batch) throws SQLException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            rows.clear();
            rows.header();
            for (EncodedEvent event : batch) {
                rows.add(event);
                if (rows.size() >= CHUNK) {
                    copy.writeToCopy(rows.bytes(), 0, rows.size());
                    rows.clear();
                }
            }
            rows.trailer();
            copy.writeToCopy(rows.bytes(), 0, rows.size());
            copy.endCopy();
        } finally {
            // After an error the driver may still be in COPY mode: leave the connection usable for the rollback.
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException ignored) {
                    // the error that got us here is the one to report
                }
            }
        }
    }
}
