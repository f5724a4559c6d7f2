package io.bulwark.runtime.audit.export;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.journal.JournalScan;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Every audit event since a moment, streamed (an export may hold millions; none is held in memory longer than it takes
 * to write it): from PostgreSQL in the order they occurred, through a cursor; from the journal writer by writer, each
 * in the order it wrote them.
 */
public final class AuditExport {

    private static final String COLUMNS = "id, occurred_at, org_id, user_id, user_email, user_roles, action, "
            + "resource_type, resource_id, resource_name, changes::text, host(ip_address), user_agent, request_id, "
            + "status, error_message, duration_us, writer_id, seq, prev_hash, hash";

    private AuditExport() {
    }

    /** @param since at or after this, or null for every event */
    public static long fromDatabase(Connection c, Instant since, Consumer<AuditEvent> each) throws SQLException {
        c.setAutoCommit(false);
        long n = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_logs"
                + (since == null ? "" : " WHERE occurred_at >= ?") + " ORDER BY occurred_at, writer_id, seq")) {
            if (since != null) {
                p.setTimestamp(1, Timestamp.from(since));
            }
            p.setFetchSize(1_000);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    each.accept(AuditVerifier.eventOf(r));
                    n++;
                }
            }
        } finally {
            c.rollback();
        }
        return n;
    }

    /** @param since at or after this, or null for every event */
    public static long fromJournal(Path auditDir, Instant since, Consumer<AuditEvent> each) throws IOException {
        long sinceMicros = since == null ? Long.MIN_VALUE
                : since.getEpochSecond() * 1_000_000L + since.getNano() / 1_000;
        long[] n = new long[1];
        for (Path dir : WriterDirectory.list(auditDir)) {
            JournalScan.scan(dir, new JournalScan.Visitor() {
                @Override
                public void event(SealedEvent sealed) {
                    if (sealed.event().occurredAtMicros() >= sinceMicros) {
                        each.accept(sealed.event());
                        n[0]++;
                    }
                }

                @Override
                public void damaged(Path segment, long position, String why) {
                    // Exporting goes on past damage; 'audit verify' is what reports it.
                }

                @Override
                public void tornTail(Path segment, long position, String why) {
                    // A write in progress.
                }
            });
        }
        return n[0];
    }
}
