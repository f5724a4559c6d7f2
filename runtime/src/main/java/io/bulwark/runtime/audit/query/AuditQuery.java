package io.bulwark.runtime.audit.query;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.journal.JournalScan;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.audit.json.JsonText;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The newest audit events that match a filter, from PostgreSQL or from the local journal: what {@code audit tail} and
 * {@code audit query} print, oldest first, one JSON object a line.
 */
public final class AuditQuery {

    private AuditQuery() {
    }

    /**
     * @param user   {@code user_id} equal to this, or null for any
     * @param action {@code action} equal to this, or null for any
     * @param since  at or after this, or null
     * @param limit  at most this many, the newest
     */
    public record Filter(String user, String action, Instant since, int limit) {

        boolean matches(AuditEvent e) {
            return (user == null || user.equals(e.userId())) && (action == null || action.equals(e.action()))
                    && (since == null || e.occurredAtMicros() >= micros(since));
        }
    }

    public static List<AuditEvent> fromJournal(Path auditDir, Filter filter) throws IOException {
        // Events of one instant (a coarse clock) keep the order their writer numbered them in.
        Comparator<SealedEvent> byTime = Comparator.<SealedEvent>comparingLong(s -> s.event().occurredAtMicros())
                .thenComparing(SealedEvent::writer).thenComparingLong(SealedEvent::seq);
        PriorityQueue<SealedEvent> newest = new PriorityQueue<>(byTime);
        for (Path dir : WriterDirectory.list(auditDir)) {
            JournalScan.scan(dir, new JournalScan.Visitor() {
                @Override
                public void event(SealedEvent sealed) {
                    if (filter.matches(sealed.event())) {
                        newest.add(sealed);
                        if (newest.size() > filter.limit()) {
                            newest.poll();
                        }
                    }
                }

                @Override
                public void damaged(Path segment, long position, String why) {
                    // Reading goes on past damage; 'audit verify' is what reports it.
                }

                @Override
                public void tornTail(Path segment, long position, String why) {
                    // A write in progress.
                }
            });
        }
        List<SealedEvent> sorted = new ArrayList<>(newest);
        sorted.sort(byTime);
        List<AuditEvent> events = new ArrayList<>(sorted.size());
        sorted.forEach(s -> events.add(s.event()));
        return events;
    }

    public static List<AuditEvent> fromDatabase(Connection c, Filter filter) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT id, occurred_at, org_id, user_id, user_email, user_roles, action, "
                + "resource_type, resource_id, resource_name, changes::text, host(ip_address), user_agent, request_id, "
                + "status, error_message, duration_us, writer_id, seq, prev_hash, hash FROM audit_logs WHERE true");
        List<Object> parameters = new ArrayList<>();
        if (filter.user() != null) {
            sql.append(" AND user_id = ?");
            parameters.add(filter.user());
        }
        if (filter.action() != null) {
            sql.append(" AND action = ?");
            parameters.add(filter.action());
        }
        if (filter.since() != null) {
            sql.append(" AND occurred_at >= ?");
            parameters.add(Timestamp.from(filter.since()));
        }
        sql.append(" ORDER BY occurred_at DESC, writer_id DESC, seq DESC LIMIT ?");
        parameters.add(filter.limit());
        List<AuditEvent> events = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                p.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    events.add(AuditVerifier.eventOf(r));
                }
            }
        }
        c.rollback();
        java.util.Collections.reverse(events);
        return events;
    }

    /** One line of JSON: every column but the chain's, the time in ISO-8601 UTC. */
    public static String toJson(AuditEvent e) {
        StringBuilder out = new StringBuilder(256).append('{');
        field(out, "id", e.id().toString());
        field(out, "occurred_at", instant(e.occurredAtMicros()).toString());
        field(out, "status", e.status().text());
        field(out, "action", e.action());
        field(out, "user_id", e.userId());
        field(out, "user_email", e.userEmail());
        out.append(",\"user_roles\":[");
        for (int i = 0; i < e.roles().size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            JsonText.quote(out, e.roles().get(i));
        }
        out.append(']');
        field(out, "org_id", e.orgId());
        field(out, "resource_type", e.resourceType());
        field(out, "resource_id", e.resourceId());
        field(out, "resource_name", e.resourceName());
        field(out, "ip_address", e.ipAddress());
        field(out, "user_agent", e.userAgent());
        field(out, "request_id", e.requestId());
        field(out, "error_message", e.errorMessage());
        out.append(",\"duration_us\":").append(e.durationMicros());
        out.append(",\"changes\":").append(e.changes() == null ? "null" : e.changes());
        return out.append('}').toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        if (out.length() > 1) {
            out.append(',');
        }
        JsonText.quote(out, name);
        out.append(':');
        if (value == null) {
            out.append("null");
        } else {
            JsonText.quote(out, value);
        }
    }

    static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
