package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.SealedEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Inserts a batch of sealed events as one statement: every column as one array parameter, {@code unnest}ed into rows,
 * so a batch costs one round trip and one plan however long it is. Replays are harmless: {@code ON CONFLICT DO
 * NOTHING} on the primary key. Timestamps travel as microseconds and are rebuilt with integer arithmetic (a
 * {@code double} of seconds would round the last microsecond, and the chain hashes it).
 *
 * <p>The way a replayed batch goes: {@link CopyInserter} is several times cheaper for both sides but cannot skip a
 * row that is already stored.
 */
final class RowInserter {

    private static final String INSERT = """
            INSERT INTO audit_logs (id, occurred_at, org_id, user_id, user_email, user_roles, action, resource_type,
                resource_id, resource_name, changes, ip_address, user_agent, request_id, status, error_message,
                duration_us, writer_id, seq, prev_hash, hash)
            SELECT id, timestamptz 'epoch' + micros * interval '1 microsecond', org_id, user_id, user_email,
                roles::text[], action, resource_type, resource_id, resource_name, changes::jsonb, ip::inet, user_agent,
                request_id, status, error_message, duration_us, writer_id, seq, prev_hash, hash
            FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],
                ?::uuid[], ?::bigint[], ?::bytea[], ?::bytea[])
                AS t(id, micros, org_id, user_id, user_email, roles, action, resource_type, resource_id, resource_name,
                    changes, ip, user_agent, request_id, status, error_message, duration_us, writer_id, seq, prev_hash,
                    hash)
            ON CONFLICT DO NOTHING""";

    private static final String HEAD = """
            INSERT INTO audit_writers (writer_id, last_seq, last_hash) VALUES (?, ?, ?)
            ON CONFLICT (writer_id) DO UPDATE SET last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash,
                updated_at = now()
            WHERE audit_writers.last_seq < EXCLUDED.last_seq""";

    private RowInserter() {
    }

    /** Inserts {@code batch} (not committed). */
    static void insert(Connection c, List<SealedEvent> batch) throws SQLException {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        Long[] micros = new Long[n];
        String[][] texts = new String[14][n];
        Long[] durations = new Long[n];
        UUID[] writers = new UUID[n];
        Long[] seqs = new Long[n];
        byte[][] prevs = new byte[n][];
        byte[][] hashes = new byte[n][];
        for (int i = 0; i < n; i++) {
            SealedEvent s = batch.get(i);
            AuditEvent e = s.event();
            ids[i] = e.id();
            micros[i] = e.occurredAtMicros();
            texts[0][i] = e.orgId();
            texts[1][i] = e.userId();
            texts[2][i] = e.userEmail();
            texts[3][i] = arrayLiteral(e.roles());
            texts[4][i] = e.action();
            texts[5][i] = e.resourceType();
            texts[6][i] = e.resourceId();
            texts[7][i] = e.resourceName();
            texts[8][i] = e.changes();
            texts[9][i] = e.ipAddress();
            texts[10][i] = e.userAgent();
            texts[11][i] = e.requestId();
            texts[12][i] = e.status().text();
            texts[13][i] = e.errorMessage();
            durations[i] = e.durationMicros();
            writers[i] = s.writer();
            seqs[i] = s.seq();
            prevs[i] = s.prevHash();
            hashes[i] = s.hash();
        }
        try (PreparedStatement p = c.prepareStatement(INSERT)) {
            int k = 1;
            p.setArray(k++, c.createArrayOf("uuid", ids));
            p.setArray(k++, c.createArrayOf("int8", micros));
            for (String[] column : texts) {
                p.setArray(k++, c.createArrayOf("text", column));
            }
            p.setArray(k++, c.createArrayOf("int8", durations));
            p.setArray(k++, c.createArrayOf("uuid", writers));
            p.setArray(k++, c.createArrayOf("int8", seqs));
            p.setArray(k++, bytea(c, prevs));
            p.setArray(k, bytea(c, hashes));
            p.executeUpdate();
        }
        SealedEvent last = batch.get(n - 1);
        head(c, last.writer(), last.seq(), last.hash());
    }

    /** Records event {@code seq} as its writer's newest event stored, unless a newer one is (not committed). */
    static void head(Connection c, UUID writer, long seq, byte[] hash) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(HEAD)) {
            p.setObject(1, writer);
            p.setLong(2, seq);
            p.setBytes(3, hash);
            p.executeUpdate();
        }
    }

    private static Array bytea(Connection c, byte[][] values) throws SQLException {
        return c.createArrayOf("bytea", values);
    }

    /** {@code {"admin","a \"quoted\" role"}}: PostgreSQL's array literal, every element quoted and escaped. */
    static String arrayLiteral(List<String> values) {
        StringBuilder out = new StringBuilder(2 + values.size() * 8).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String v = values.get(i);
            if (v == null) {
                out.append("NULL");
                continue;
            }
            out.append('"');
            for (int j = 0; j < v.length(); j++) {
                char ch = v.charAt(j);
                if (ch == '"' || ch == '\\') {
                    out.append('\\');
                }
                out.append(ch);
            }
            out.append('"');
        }
        return out.append('}').toString();
    }
}
