package io.bulwark.runtime.audit.verify;

import io.bulwark.internal.IpAddresses;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.journal.JournalScan;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.audit.json.CanonicalJson;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Finds changed, missing, reordered and inserted audit events, in the local journal or in PostgreSQL. Each writer's
 * chain is checked on its own ({@link ChainCheck}); the report lists every problem, each writer's first one first.
 *
 * <p>A hash chain proves that events were not altered one at a time; whoever can rewrite a whole chain's tail
 * (the database's owner, say) can also rewrite {@code audit_writers}. Comparing PostgreSQL with the journals, or
 * keeping the newest hashes elsewhere, closes that gap: see the README.
 */
public final class AuditVerifier {

    private AuditVerifier() {
    }

    /** Verifies every writer's journal under {@code auditDir} ({@code <data-dir>/audit}). */
    public static Report verifyJournal(Path auditDir) throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long events = 0;
        List<Path> dirs = WriterDirectory.list(auditDir);
        for (Path dir : dirs) {
            UUID writer = WriterDirectory.writerOf(dir);
            long first = JournalScan.firstSeq(dir);
            if (first > 1) {
                notes.add("writer " + writer + ": its journal starts at #" + first + " (older events were shipped to "
                        + "PostgreSQL or expired)");
            }
            ChainCheck check = new ChainCheck(writer, Math.max(0, first - 1), findings);
            JournalScan.scan(dir, new JournalScan.Visitor() {
                @Override
                public void event(SealedEvent event) {
                    check.accept(event);
                }

                @Override
                public void damaged(Path segment, long position, String why) {
                    findings.add(new Finding(writer, check.lastSeq() + 1, Finding.Kind.DAMAGED, segment.getFileName()
                            + " at byte " + position + ": " + why));
                }

                @Override
                public void tornTail(Path segment, long position, String why) {
                    notes.add("writer " + writer + ": " + segment.getFileName() + " ends inside an event at byte "
                            + position + " (a write in progress, or cut short by a crash: " + why + ")");
                }
            });
            check.finish(-1, null);
            events += check.events();
        }
        return new Report("journal " + auditDir, events, dirs.size(), findings, notes);
    }

    /** Verifies {@code audit_logs} (with {@code audit_rejects}, {@code audit_writers} and {@code audit_retention}). */
    public static Report verifyDatabase(Connection c) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<UUID, Long> headSeqs = new HashMap<>();
        Map<UUID, byte[]> headHashes = new HashMap<>();
        Map<UUID, Long> expired = new HashMap<>();
        Map<UUID, TreeMap<Long, SealedEvent>> rejects = new HashMap<>();
        TreeSet<UUID> writers = new TreeSet<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT writer_id, last_seq, last_hash FROM audit_writers")) {
                while (r.next()) {
                    UUID w = r.getObject(1, UUID.class);
                    writers.add(w);
                    headSeqs.put(w, r.getLong(2));
                    headHashes.put(w, r.getBytes(3));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT writer_id, max(max_seq) FROM audit_retention GROUP BY writer_id")) {
                while (r.next()) {
                    expired.put(r.getObject(1, UUID.class), r.getLong(2));
                }
            }
            try (ResultSet r = s.executeQuery("SELECT writer_id, seq, record, reason FROM audit_rejects")) {
                while (r.next()) {
                    UUID w = r.getObject(1, UUID.class);
                    writers.add(w);
                    SealedEvent sealed = fromRecord(r.getBytes(3));
                    if (sealed == null) {
                        findings.add(new Finding(w, r.getLong(2), Finding.Kind.CHANGED, "the set-aside record in "
                                + "audit_rejects no longer decodes"));
                        continue;
                    }
                    rejects.computeIfAbsent(w, k -> new TreeMap<>()).put(r.getLong(2), sealed);
                    notes.add("writer " + w + " #" + r.getLong(2) + " was refused by PostgreSQL and is kept in "
                            + "audit_rejects: " + r.getString(4));
                }
            }
        }
        long events = 0;
        Map<UUID, ChainCheck> checks = new TreeMap<>();
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("SELECT id, occurred_at, org_id, user_id, user_email, user_roles, "
                + "action, resource_type, resource_id, resource_name, changes::text, host(ip_address), user_agent, "
                + "request_id, status, error_message, duration_us, writer_id, seq, prev_hash, hash FROM audit_logs "
                + "ORDER BY writer_id, seq")) {
            p.setFetchSize(1_000);
            try (ResultSet r = p.executeQuery()) {
                UUID current = null;
                Iterator<SealedEvent> pending = null;
                SealedEvent nextReject = null;
                while (r.next()) {
                    SealedEvent row = fromRow(r, findings);
                    if (!row.writer().equals(current)) {
                        drain(current == null ? null : checks.get(current), pending, nextReject);
                        current = row.writer();
                        writers.add(current);
                        checks.put(current, new ChainCheck(current, expired.getOrDefault(current, 0L), findings));
                        TreeMap<Long, SealedEvent> own = rejects.remove(current);
                        pending = own == null ? null : own.values().iterator();
                        nextReject = pending != null && pending.hasNext() ? pending.next() : null;
                    }
                    ChainCheck check = checks.get(current);
                    while (nextReject != null && nextReject.seq() < row.seq()) {
                        check.accept(nextReject);
                        nextReject = pending.hasNext() ? pending.next() : null;
                    }
                    check.accept(row);
                    events++;
                }
                drain(current == null ? null : checks.get(current), pending, nextReject);
            }
        } finally {
            c.rollback();
        }
        for (Map.Entry<UUID, TreeMap<Long, SealedEvent>> only : rejects.entrySet()) {
            ChainCheck check = new ChainCheck(only.getKey(), expired.getOrDefault(only.getKey(), 0L), findings);
            checks.put(only.getKey(), check);
            only.getValue().values().forEach(check::accept);
        }
        for (UUID writer : writers) {
            ChainCheck check = checks.computeIfAbsent(writer, w -> new ChainCheck(w, expired.getOrDefault(w, 0L),
                    findings));
            check.finish(headSeqs.getOrDefault(writer, -1L), headHashes.get(writer));
            if (check.firstSeq() > 1) {
                notes.add("writer " + writer + ": its chain starts at #" + check.firstSeq() + " (retention dropped "
                        + "events up to #" + expired.getOrDefault(writer, 0L) + ")");
            }
        }
        return new Report("PostgreSQL", events, writers.size(), findings, notes);
    }

    /** Feeds a writer's set-aside events that come after its last row. */
    private static void drain(ChainCheck check, Iterator<SealedEvent> pending, SealedEvent next) {
        if (check == null) {
            return;
        }
        for (SealedEvent reject = next; reject != null; reject = pending.hasNext() ? pending.next() : null) {
            check.accept(reject);
        }
    }

    private static SealedEvent fromRecord(byte[] record) {
        if (record == null || record.length < 2 * EventCodec.HASH_LENGTH) {
            return null;
        }
        try {
            EventCodec.Decoded d = EventCodec.decode(Arrays.copyOfRange(record, 2 * EventCodec.HASH_LENGTH,
                    record.length));
            return new SealedEvent(d.writer(), d.seq(), Arrays.copyOfRange(record, 0, EventCodec.HASH_LENGTH),
                    Arrays.copyOfRange(record, EventCodec.HASH_LENGTH, 2 * EventCodec.HASH_LENGTH), d.event());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The event of a row selected with the columns of {@link #verifyDatabase}, in that order.
     *
     * @throws SQLException also when the row holds what Bulwark never writes
     */
    public static AuditEvent eventOf(ResultSet r) throws SQLException {
        List<Finding> problems = new ArrayList<>();
        SealedEvent sealed = fromRow(r, problems);
        if (!problems.isEmpty()) {
            throw new SQLException("audit event " + sealed.event().id() + ": " + problems.get(0).detail());
        }
        return sealed.event();
    }

    /** A row as its writer sealed it, as far as the columns tell: what {@link EventCodec#intact} is asked about. */
    static SealedEvent fromRow(ResultSet r, List<Finding> findings) throws SQLException {
        UUID writer = r.getObject(18, UUID.class);
        long seq = r.getLong(19);
        OffsetDateTime at = r.getObject(2, OffsetDateTime.class);
        long micros = at.toEpochSecond() * 1_000_000L + at.getNano() / 1_000;
        Array roles = r.getArray(6);
        List<String> roleList = roles == null ? List.of() : Arrays.asList((String[]) roles.getArray());
        String changes = r.getString(11);
        try {
            changes = CanonicalJson.canonical(changes);
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(writer, seq, Finding.Kind.CHANGED, "its changes are not JSON Bulwark can read"));
        }
        String ip = r.getString(12);
        Status status;
        try {
            status = Status.of(r.getString(15));
        } catch (IllegalArgumentException e) {
            findings.add(new Finding(writer, seq, Finding.Kind.CHANGED, "its status is not one Bulwark writes"));
            status = Status.FAILURE;
        }
        AuditEvent event = new AuditEvent(r.getObject(1, UUID.class), micros, r.getString(3), r.getString(4),
                r.getString(5), roleList, r.getString(7), r.getString(8), r.getString(9), r.getString(10), changes,
                ip == null ? null : IpAddresses.canonical(ip), r.getString(13), r.getString(14), status, r.getString(16),
                r.getLong(17));
        return new SealedEvent(writer, seq, r.getBytes(20), r.getBytes(21), event);
    }
}
