package io.bulwark.runtime.audit.verify;

import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Checks one writer's events, fed in the order they are stored (the journal's file order, or the database's order by
 * sequence number): each event must hash to its stored hash under one of the chain keys given, link to the hash of
 * the event before it, and carry the next number; each anchor known outside the store must find its event, unchanged.
 *
 * <p>Events from before the chain was keyed (an unkeyed SHA-256 chain) are accepted at the start of a chain only:
 * once a keyed event follows, its hash covers theirs, so they are proven too. An unkeyed event after a keyed one is a
 * forgery (anyone can compute SHA-256), and a chain that is unkeyed to its end proves nothing against a forger: it is
 * reported as {@link Finding.Kind#UNVERIFIED}. So is a writer none of whose events any key given verifies (its key was
 * not given), unless an anchor signed by a key given names it: then they were rewritten.
 */
final class ChainCheck {

    /** An event the store must hold unchanged, known from outside it. */
    record Anchor(long seq, byte[] hash, String source) {
    }

    private final UUID writer;
    private final List<ChainKey> keys;
    private final ChainKey.Seal[] seals;
    /** What retention removed of this writer: the only events that may be missing. */
    private final Expired expired;
    /**
     * What unsigned retention records (written before the chain was keyed) say was removed: believed for a gap before
     * an unkeyed event only, and then only as not proven.
     */
    private Expired unsigned = Expired.NONE;
    /** Decides whether events missing before the first one found are accounted for; null: {@link #expired}. */
    private final Predicate<SealedEvent> prefixExcused;
    private final TreeMap<Long, Anchor> anchors = new TreeMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private int keyInUse;
    private long lastSeq = -1;
    private byte[] lastHash;
    private long events;
    private long firstSeq = -1;
    private long keyed;
    private long unkeyed;
    private long unverified;
    /** Missing events that retention's spans account for; more than it dropped means some were deleted. */
    private long missingExpired;

    ChainCheck(UUID writer, List<ChainKey> keys, Expired expired, Predicate<SealedEvent> prefixExcused) {
        this.writer = writer;
        this.keys = keys;
        this.seals = new ChainKey.Seal[keys.size()];
        this.expired = expired;
        this.prefixExcused = prefixExcused;
    }

    /** Unsigned retention records, for a chain that starts before it was keyed. */
    void unsignedRetention(Expired records) {
        this.unsigned = records;
    }

    /** The store must hold {@code anchor}'s event with its hash (unless retention removed it). */
    void anchor(Anchor anchor) {
        Anchor known = anchors.get(anchor.seq());
        if (known == null) {
            anchors.put(anchor.seq(), anchor);
        }
    }

    void accept(SealedEvent e) {
        events++;
        if (!e.writer().equals(writer)) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.INSERTED, "an event of writer " + e.writer()
                    + " stands among this writer's"));
            return;
        }
        long keyedBefore = keyed;
        boolean intact = authentic(e);
        // An unsigned retention record (an earlier Bulwark's) may account for a gap only before an unkeyed event:
        // one before a keyed event was deleted after the chain was keyed, when every record is signed.
        boolean unkeyedSoFar = intact && keyed == keyedBefore;
        if (lastSeq < 0) {
            firstSeq = e.seq();
            if (e.seq() == 1 && !MessageDigest.isEqual(e.prevHash(), EventCodec.genesis())) {
                findings.add(new Finding(writer, 1, Finding.Kind.CHANGED, "the first event does not start a chain"));
            } else if (e.seq() > 1 && prefixExcused != null) {
                if (!intact || !prefixExcused.test(e)) {
                    findings.add(new Finding(writer, 1, Finding.Kind.MISSING, span(1, e.seq() - 1)
                            + " missing before the first one stored"));
                }
            } else if (e.seq() > 1) {
                gap(1, e.seq() - 1, " before the first one stored", unkeyedSoFar);
            }
        } else if (e.seq() == lastSeq) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.INSERTED, "a second event numbered #" + e.seq()
                    + " (event " + e.event().id() + ")"));
            return;
        } else if (e.seq() < lastSeq) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.REORDERED, "event #" + e.seq() + " stands after #"
                    + lastSeq));
            return;
        } else if (e.seq() > lastSeq + 1) {
            gap(lastSeq + 1, e.seq() - 1, "", unkeyedSoFar);
        } else if (intact && !MessageDigest.isEqual(e.prevHash(), lastHash)) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.CHANGED, "it does not follow event #" + lastSeq
                    + " (one of the two was replaced)"));
        }
        Anchor anchor = anchors.get(e.seq());
        if (anchor != null && !MessageDigest.isEqual(anchor.hash(), e.hash())) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.CHANGED, "it is not the event " + anchor.source()
                    + " names"));
        }
        lastSeq = e.seq();
        lastHash = e.hash();
    }

    /**
     * Events {@code from} to {@code to} are not stored: what retention dropped is accounted for (counted, so that no
     * more than it dropped may be missing); the rest is a finding.
     */
    private void gap(long from, long to, String where, boolean unkeyedSoFar) {
        missingExpired += expired.covered(from, to);
        long uncovered = expired.firstUncovered(from, to);
        if (uncovered >= 0 && unkeyedSoFar && unsigned.firstUncovered(uncovered, to) < 0) {
            findings.add(new Finding(writer, uncovered, Finding.Kind.UNVERIFIED, span(uncovered, to) + " missing"
                    + where + ", accounted for only by unsigned retention records of an earlier Bulwark"));
        } else if (uncovered >= 0) {
            findings.add(new Finding(writer, uncovered, Finding.Kind.MISSING, span(uncovered, to) + " missing" + where
                    + (expired.any() ? " (retention accounts only for events up to #" + expired.maxSeq() + ")"
                    : expired == Expired.NONE && where.startsWith(" before") ? " (no signed retention record "
                    + "accounts for them)" : "")));
        }
    }

    private static String span(long from, long to) {
        return from == to ? "event #" + from + " is" : "events #" + from + " to #" + to + " are";
    }

    /** Whether {@code e} hashes to its stored hash; counts how (keyed, unkeyed) and reports what does not. */
    private boolean authentic(SealedEvent e) {
        for (int i = 0; i < keys.size(); i++) {
            int k = (keyInUse + i) % keys.size();
            if (seals[k] == null) {
                seals[k] = keys.get(k).seal();
            }
            if (seals[k].intact(e)) {
                keyInUse = k;
                keyed++;
                return true;
            }
        }
        if (EventCodec.intactUnkeyed(e)) {
            if (keyed > 0) {
                findings.add(new Finding(writer, e.seq(), Finding.Kind.CHANGED, "it carries an unkeyed hash after "
                        + "keyed events: rewritten by someone without the chain key (event " + e.event().id() + ")"));
                return false;
            }
            unkeyed++;
            return true;
        }
        unverified++;
        findings.add(new Finding(writer, e.seq(), Finding.Kind.CHANGED, "its contents do not hash to its stored hash"
                + (keys.size() > 1 ? " under any chain key given" : "") + " (event " + e.event().id() + ")"));
        return false;
    }

    /**
     * The chain ends here. {@code headSeq} and {@code headHash} are what the store says its writer last stored
     * ({@code audit_writers}; a hint, since whoever holds the store can set it), or -1 and null.
     *
     * @param pendingAfter events after this number are known to be still on their way to the store (the local
     *                     journal's backlog): an anchor past it is not missing yet; {@code Long.MAX_VALUE} for none
     * @return every finding about this writer, first one first
     */
    List<Finding> finish(long headSeq, byte[] headHash, long pendingAfter) {
        long end = lastSeq;
        String source = null;
        if (headSeq > end && headSeq <= pendingAfter) {
            end = headSeq;
            source = "the writer's head in audit_writers";
        }
        for (Anchor anchor : anchors.values()) {
            if (anchor.seq() > end && anchor.seq() <= pendingAfter) {
                end = anchor.seq();
                source = anchor.source();
            }
        }
        if (end > lastSeq && lastSeq < 0) {
            if (expired.firstUncovered(1, end) >= 0) {
                findings.add(new Finding(writer, expired.firstUncovered(1, end), Finding.Kind.MISSING, "none of this "
                        + "writer's events is stored, but " + source + " shows #" + end + " stored"));
            }
            missingExpired += expired.covered(1, end);
        } else if (end > lastSeq) {
            gap(lastSeq + 1, end, " from the end (" + source + " shows #" + end + " stored)", keyed == 0);
        } else if (headSeq == lastSeq && headHash != null && lastHash != null
                && !MessageDigest.isEqual(headHash, lastHash)) {
            findings.add(new Finding(writer, headSeq, Finding.Kind.CHANGED, "the newest event is not the one the "
                    + "writer stored"));
        }
        if (missingExpired > expired.dropped()) {
            findings.add(new Finding(writer, 1, Finding.Kind.MISSING, (missingExpired - expired.dropped()) + " more "
                    + "event(s) are missing among those numbered up to #" + expired.maxSeq() + " than retention "
                    + "dropped (" + expired.dropped() + "): deleted besides"));
        }
        if (unverified > 0 && keyed == 0 && unkeyed == 0 && anchors.isEmpty()) {
            // Not one event verifies: the verifier lacks this writer's key (else every event was rewritten).
            findings.removeIf(f -> f.kind() == Finding.Kind.CHANGED);
            findings.add(0, new Finding(writer, firstSeq, Finding.Kind.UNVERIFIED, "none of its " + unverified
                    + " events verifies under the " + keys.size() + " chain key(s) given: give the verifier this "
                    + "writer's key (bulwark.audit.chain-key, or the chain.key of the data directory it ran in: "
                    + "--chain-key-file), else all of them were rewritten"));
        } else if (unkeyed > 0 && keyed == 0 && unverified == 0) {
            findings.add(new Finding(writer, firstSeq, Finding.Kind.UNVERIFIED, "its " + unkeyed + " events carry the "
                    + "unkeyed SHA-256 chain of an earlier Bulwark: they show accidental damage, not a forger who "
                    + "recomputed them"));
        }
        return findings;
    }

    long events() {
        return events;
    }

    long firstSeq() {
        return firstSeq;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The hash of the newest event accepted, or null. */
    byte[] lastHash() {
        return lastHash == null ? null : lastHash.clone();
    }
}
