package io.bulwark.runtime.audit.verify;

import io.bulwark.internal.IpAddresses;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import io.bulwark.runtime.audit.journal.JournalScan;
import io.bulwark.runtime.audit.journal.StagingArea;
import io.bulwark.runtime.audit.journal.WriterDirectory;
import io.bulwark.runtime.audit.json.CanonicalJson;
import io.bulwark.runtime.audit.postgres.ShipCursor;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * Finds changed, missing, reordered and inserted audit events, in the local journal or in PostgreSQL. Each writer's
 * chain is checked on its own ({@link ChainCheck}) under the chain keys given; the report lists every problem, each
 * writer's first one first.
 *
 * <p>What it can prove depends on what it is given ({@link Anchors}). With a writer's key, every event it finds is
 * authentic, in its place, and none is missing before the newest one found; whoever holds only the database can
 * neither alter, insert nor reorder a row, nor delete one from the start or the middle of a chain (retention excuses
 * only what a signed record in {@code audit_retention} says a dropped partition held). With the writer's checkpoints
 * too, it also proves that no newer event and no whole writer was deleted (up to the events after the newest
 * checkpoint, at most one checkpoint interval's).
 */
public final class AuditVerifier {

    private static final String ROW_COLUMNS = "id, occurred_at, org_id, user_id, user_email, user_roles, action, "
            + "resource_type, resource_id, resource_name, changes::text, host(ip_address), user_agent, request_id, "
            + "status, error_message, duration_us, writer_id, seq, prev_hash, hash";

    private AuditVerifier() {
    }

    /**
     * Verifies the journal under {@code auditDir} as the only store (no retention), with the key and checkpoints it
     * holds ({@link Anchors#local}).
     */
    public static Report verifyJournal(Path auditDir) throws IOException {
        return verifyJournal(auditDir, Anchors.local(auditDir), null, false);
    }

    /**
     * Verifies every writer's journal under {@code auditDir} ({@code <data-dir>/audit}), and records in
     * {@code anchors} what PostgreSQL must then hold of each (for {@link #verifyDatabase}, run after it).
     *
     * @param retention       how long the journal keeps events when it is the store (null: forever): events missing
     *                        before the first one are accounted for only if that first one is older than this
     * @param shipsToDatabase the journal ships to PostgreSQL: events missing before the first one were shipped (and
     *                        PostgreSQL's verification checks that it holds them)
     */
    public static Report verifyJournal(Path auditDir, Anchors anchors, Duration retention, boolean shipsToDatabase)
            throws IOException {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>(anchors.takeNotes());
        long events = 0;
        long backlog = 0;
        long staged = 0;
        long cutoffMicros = retention == null ? Long.MIN_VALUE
                : micros(Instant.now().minus(retention));
        List<Path> dirs = WriterDirectory.list(auditDir);
        Set<UUID> seen = new HashSet<>();
        for (Path dir : dirs) {
            UUID writer = WriterDirectory.writerOf(dir);
            seen.add(writer);
            long shipped = shipsToDatabase ? ShipCursor.read(dir) : 0;
            ChainCheck check = new ChainCheck(writer, anchors.keys(), Expired.NONE,
                    first -> shipsToDatabase || first.event().occurredAtMicros() < cutoffMicros);
            Checkpoint checkpoint = anchors.newest(Checkpoint.Store.JOURNAL).get(writer);
            if (checkpoint != null) {
                check.anchor(new ChainCheck.Anchor(checkpoint.seq(), checkpoint.hash(), "its " + checkpoint));
            }
            boolean live = live(dir);
            // Read before the journal: the staged events it already holds are among its events after the header's
            // sequence number (as recovery finds them, JournalThread#recoverStaged). Read only, no lock taken.
            StagingArea.Staged stagedHere = StagingArea.inspect(dir);
            Set<UUID> journalledAfter = new HashSet<>();
            // A PostgreSQL checkpoint names an event the journal had made durable: the journal must still end at or
            // after it (its newest segment is never deleted), unchanged if it still holds it.
            Checkpoint shippedCheckpoint = anchors.newest(Checkpoint.Store.POSTGRESQL).get(writer);
            if (shippedCheckpoint != null) {
                check.anchor(new ChainCheck.Anchor(shippedCheckpoint.seq(), shippedCheckpoint.hash(), "its "
                        + shippedCheckpoint));
            }
            byte[][] shippedHash = new byte[1][];
            byte[][] firstPrev = new byte[1][];
            JournalScan.scan(dir, new JournalScan.Visitor() {
                @Override
                public void event(SealedEvent event) {
                    if (check.lastSeq() < 0) {
                        firstPrev[0] = event.prevHash();
                    }
                    check.accept(event);
                    if (stagedHere != null && event.seq() > stagedHere.seq()) {
                        journalledAfter.add(event.event().id());
                    }
                    if (event.seq() == shipped) {
                        shippedHash[0] = event.hash();
                    }
                }

                @Override
                public void damaged(Path segment, long position, String why) {
                    findings.add(new Finding(writer, check.lastSeq() + 1, Finding.Kind.DAMAGED, segment.getFileName()
                            + " at byte " + position + ": " + why));
                }

                @Override
                public void tornTail(Path segment, long position, String why) {
                    if (live) {
                        notes.add("writer " + writer + ": " + segment.getFileName() + " ends inside an event at byte "
                                + position + " (a write in progress: " + why + ")");
                    } else {
                        // No writer is writing it: whatever ends inside a frame was cut short (by a crash before
                        // its fsync) or edited, and nothing here can tell which.
                        findings.add(new Finding(writer, check.lastSeq() + 1, Finding.Kind.DAMAGED, segment
                                .getFileName() + " ends inside an event at byte " + position + " (" + why + ") and no "
                                + "running JVM is writing it: cut short by a crash before it was synced, or edited; "
                                + "the next start drops it unless a checkpoint shows it durable"));
                    }
                }
            });
            findings.addAll(check.finish(-1, null, Long.MAX_VALUE));
            events += check.events();
            if (stagedHere != null && !stagedHere.readable()) {
                notes.add("writer " + writer + ": its staging file is not one this version wrote (or was damaged): "
                        + "events staged in it cannot be counted, and the next start moves it aside without them");
            } else if (stagedHere != null) {
                long pending = stagedHere.notIn(journalledAfter);
                if (pending > 0 && live) {
                    notes.add("writer " + writer + ": " + pending + " event(s) staged by the running JVM are in "
                            + "flight, not yet in its journal");
                } else if (pending > 0) {
                    staged += pending;
                    notes.add("writer " + writer + ": " + pending + " event(s) staged by calls that returned before "
                            + "its JVM stopped are not yet in the journal (the next start with this data directory, "
                            + "or 'audit ship', journals them)");
                }
            }
            long first = check.firstSeq();
            if (first > 1 && shipsToDatabase) {
                notes.add("writer " + writer + ": its journal starts at #" + first + " (the events before it were "
                        + "shipped to PostgreSQL, whose verification checks that it holds them)");
            } else if (first > 1) {
                notes.add("writer " + writer + ": its journal starts at #" + first
                        + " (the events before it were older than the retention and were deleted)");
            }
            if (shipsToDatabase) {
                long anchorSeq = 0;
                byte[] anchorHash = null;
                if (shipped >= first && shippedHash[0] != null) {
                    anchorSeq = shipped;
                    anchorHash = shippedHash[0];
                } else if (first > 1 && firstPrev[0] != null) {
                    anchorSeq = first - 1;
                    anchorHash = firstPrev[0];
                }
                anchors.journal(writer, new Anchors.JournalFacts(shipped, anchorSeq, anchorHash, check.lastSeq()));
                if (check.lastSeq() > shipped) {
                    backlog += check.lastSeq() - shipped;
                    notes.add("writer " + writer + ": " + (check.lastSeq() - shipped) + " event(s) in the journal are "
                            + "not yet in PostgreSQL (#" + (shipped + 1) + " to #" + check.lastSeq() + ")");
                }
            }
        }
        for (Checkpoint checkpoint : anchors.newest(Checkpoint.Store.JOURNAL).values()) {
            if (!seen.contains(checkpoint.writer())) {
                findings.add(new Finding(checkpoint.writer(), 1, Finding.Kind.MISSING, "its journal directory is gone, "
                        + "but its " + checkpoint + " shows #" + checkpoint.seq() + " stored"));
            }
        }
        return new Report("journal " + auditDir, events, dirs.size(), findings, notes, backlog, staged);
    }

    /** Whether a running JVM holds a writer directory (and may be writing its last frame right now). */
    private static boolean live(Path dir) {
        try (WriterDirectory free = WriterDirectory.tryLock(dir)) {
            return free == null;
        } catch (IOException | RuntimeException e) {
            // Cannot tell (the verifier may not write there): as if it were, which reports less, never more.
            return true;
        }
    }

    /**
     * Verifies {@code audit_logs} (with {@code audit_rejects}, {@code audit_writers} and {@code audit_retention})
     * under {@code anchors}: its keys, each writer's newest checkpoint of PostgreSQL, and what the local journal
     * (verified first) says PostgreSQL must hold.
     */
    public static Report verifyDatabase(Connection c, Anchors anchors) throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<String> notes = new ArrayList<>(anchors.takeNotes());
        Map<UUID, Long> headSeqs = new HashMap<>();
        Map<UUID, byte[]> headHashes = new HashMap<>();
        Map<UUID, TreeMap<Long, SealedEvent>> rejects = new HashMap<>();
        TreeSet<UUID> writers = new TreeSet<>();
        Map<UUID, Expired> expired;
        Map<UUID, Expired> unsignedExpired = new HashMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT writer_id, last_seq, last_hash FROM audit_writers")) {
                while (r.next()) {
                    UUID w = r.getObject(1, UUID.class);
                    writers.add(w);
                    headSeqs.put(w, r.getLong(2));
                    headHashes.put(w, r.getBytes(3));
                }
            }
            expired = RetentionRecords.read(s, anchors, findings, notes, unsignedExpired);
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
        Map<UUID, Checkpoint> checkpoints = anchors.newest(Checkpoint.Store.POSTGRESQL);
        writers.addAll(checkpoints.keySet());
        for (Map.Entry<UUID, Anchors.JournalFacts> journal : anchors.journals().entrySet()) {
            if (journal.getValue().anchorSeq() > 0) {
                writers.add(journal.getKey());
            }
        }
        Map<UUID, ChainCheck> checks = new TreeMap<>();
        Function<UUID, ChainCheck> checkOf = w -> checks.computeIfAbsent(w, k -> {
            ChainCheck check = newCheck(k, anchors, expired.getOrDefault(k, Expired.NONE));
            check.unsignedRetention(unsignedExpired.getOrDefault(k, Expired.NONE));
            return check;
        });
        long events = 0;
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM audit_logs "
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
                        TreeMap<Long, SealedEvent> own = rejects.remove(current);
                        pending = own == null ? null : own.values().iterator();
                        nextReject = pending != null && pending.hasNext() ? pending.next() : null;
                    }
                    ChainCheck check = checkOf.apply(current);
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
            ChainCheck check = checkOf.apply(only.getKey());
            only.getValue().values().forEach(check::accept);
        }
        for (UUID writer : writers) {
            ChainCheck check = checkOf.apply(writer);
            Anchors.JournalFacts journal = anchors.journals().get(writer);
            findings.addAll(check.finish(headSeqs.getOrDefault(writer, -1L), headHashes.get(writer),
                    journal == null ? Long.MAX_VALUE : journal.shippedSeq()));
            Expired gone = expired.get(writer);
            if (gone != null && check.lastSeq() < 0) {
                notes.add("writer " + writer + ": retention dropped all its stored events (" + gone.dropped() + ", up "
                        + "to #" + gone.maxSeq() + ")");
            } else if (gone != null && check.firstSeq() > 1) {
                notes.add("writer " + writer + ": its chain starts at #" + check.firstSeq() + " (retention dropped "
                        + gone.dropped() + " events up to #" + gone.maxSeq() + ")");
            }
        }
        // What the journal holds that PostgreSQL does not (yet): measured against the rows, not the journal's ship
        // cursor, which is written just after each commit and may lag it.
        long backlog = 0;
        for (Map.Entry<UUID, Anchors.JournalFacts> journal : anchors.journals().entrySet()) {
            ChainCheck check = checks.get(journal.getKey());
            long stored = Math.max(journal.getValue().shippedSeq(), check == null ? 0 : check.lastSeq());
            backlog += Math.max(0, journal.getValue().lastSeq() - stored);
        }
        if (checkpoints.isEmpty() && events > 0) {
            notes.add("no checkpoint of PostgreSQL was given (none in the data directory, no --checkpoints log): "
                    + "events deleted from the end of a chain, or whole writers deleted, cannot be found");
        }
        return new Report("PostgreSQL", events, writers.size(), findings, notes, backlog, 0);
    }

    private static ChainCheck newCheck(UUID writer, Anchors anchors, Expired expired) {
        ChainCheck check = new ChainCheck(writer, anchors.keys(), expired, null);
        Checkpoint checkpoint = anchors.newest(Checkpoint.Store.POSTGRESQL).get(writer);
        if (checkpoint != null) {
            check.anchor(new ChainCheck.Anchor(checkpoint.seq(), checkpoint.hash(), "its " + checkpoint));
        }
        Anchors.JournalFacts journal = anchors.journals().get(writer);
        if (journal != null && journal.anchorSeq() > 0) {
            check.anchor(new ChainCheck.Anchor(journal.anchorSeq(), journal.anchorHash(), "the local journal"));
        }
        return check;
    }

    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
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
     * The event of a row selected with the columns {@code id, occurred_at, ..., hash} (as {@link #verifyDatabase}
     * selects them), in that order.
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
                ip == null ? null : IpAddresses.canonical(ip), r.getString(13), r.getString(14), status,
                r.getString(16), r.getLong(17));
        return new SealedEvent(writer, seq, r.getBytes(20), r.getBytes(21), event);
    }
}
