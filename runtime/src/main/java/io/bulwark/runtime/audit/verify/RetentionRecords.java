package io.bulwark.runtime.audit.verify;

import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.RetentionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads {@code audit_retention} as a verifier must: a row counts only when a chain key given signed it and it drops a
 * month that had ended longer than its retention before; then it accounts for exactly the events it says went. A row
 * signed with a key not given is passed over (and said so); an unsigned row (written before the chain was keyed)
 * excuses nothing; a row whose signature a key given does not match was written by someone else, and is a finding.
 */
final class RetentionRecords {

    private RetentionRecords() {
    }

    /**
     * @param unsignedOut filled with what unsigned records (from before the chain was keyed) say, per writer
     * @return per writer, what retention accounts for
     */
    static Map<UUID, Expired> read(Statement s, Anchors anchors, List<Finding> findings, List<String> notes,
            Map<UUID, Expired> unsignedOut) throws SQLException {
        Map<UUID, Expired> expired = new HashMap<>();
        try (ResultSet r = s.executeQuery("SELECT writer_id, partition_name, max_seq, "
                + "extract(epoch FROM dropped_at)::bigint, retention_seconds, key_id, signature, min_seq, event_count "
                + "FROM audit_retention ORDER BY writer_id, max_seq")) {
            while (r.next()) {
                UUID writer = r.getObject(1, UUID.class);
                String partition = r.getString(2);
                long maxSeq = r.getLong(3);
                long retentionSeconds = r.getLong(5);
                boolean unsigned = r.wasNull() || r.getString(6) == null || r.getBytes(7) == null;
                long minSeq = r.getLong(8);
                unsigned |= r.wasNull();
                long count = r.getLong(9);
                unsigned |= r.wasNull();
                if (unsigned) {
                    notes.add("writer " + writer + ": the retention record of " + partition + " (up to #" + maxSeq
                            + ") is not signed (written before the chain was keyed, or by someone else): it accounts "
                            + "for no keyed event");
                    // Such a record (schema version 1) said only "up to max_seq": the whole prefix, at most.
                    unsignedOut.computeIfAbsent(writer, w -> new Expired()).add(1, maxSeq, maxSeq);
                    continue;
                }
                RetentionRecord record = new RetentionRecord(writer, partition, minSeq, maxSeq, count,
                        Duration.ofSeconds(retentionSeconds), Instant.ofEpochSecond(r.getLong(4)));
                ChainKey key = anchors.key(r.getString(6));
                if (key == null) {
                    notes.add("writer " + writer + ": the retention record of " + partition + " is signed with key "
                            + r.getString(6) + ", which this verifier was not given: not used");
                } else if (!key.signed(record.signedText(), r.getBytes(7))) {
                    findings.add(new Finding(writer, maxSeq, Finding.Kind.INSERTED, "a retention record of " + partition
                            + " up to #" + maxSeq + " that Bulwark did not sign: written by someone else to excuse "
                            + "deleted events; ignored"));
                } else if (!record.plausible()) {
                    findings.add(new Finding(writer, maxSeq, Finding.Kind.INSERTED, "a retention record of " + partition
                            + " that Bulwark would not have made (dropped before its month was older than the "
                            + "retention it names, or numbers that cannot hold its count); ignored"));
                } else {
                    expired.computeIfAbsent(writer, w -> new Expired()).add(minSeq, maxSeq, count);
                }
            }
        }
        return expired;
    }
}
