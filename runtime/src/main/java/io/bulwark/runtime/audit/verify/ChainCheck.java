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
    /** Events up to this number may be gone by retention rather than by tampering; 0 when none were expired. */
    private final long expiredThrough;
    /** Decides whether events missing before the first one found are accounted for; null: {@link #expiredThrough}. */
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

    ChainCheck(UUID writer, List<ChainKey> keys, long expiredThrough, Predicate<SealedEvent> prefixExcused) {
        this.writer = writer;
        this.keys = keys;
        this.seals = new ChainKey.Seal[keys.size()];
        this.expiredThrough = expiredThrough;
        this.prefixExcused = prefixExcused;
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
        boolean intact = authentic(e);
        if (lastSeq < 0) {
            firstSeq = e.seq();
            if (e.seq() == 1 && !MessageDigest.isEqual(e.prevHash(), EventCodec.genesis())) {
                findings.add(new Finding(writer, 1, Finding.Kind.CHANGED, "the first event does not start a chain"));
            } else if (e.seq() > 1 && !(prefixExcused != null ? intact && prefixExcused.test(e)
                    : e.seq() - 1 <= expiredThrough)) {
                long from = prefixExcused != null ? 1 : expiredThrough + 1;
                findings.add(new Finding(writer, from, Finding.Kind.MISSING, (from == e.seq() - 1 ? "event #" + from
                        + " is missing" : "events #" + from + " to #" + (e.seq() - 1) + " are missing")
                        + " before the first one stored" + (prefixExcused != null ? ""
                        : expiredThrough > 0 ? " (retention removed only up to #" + expiredThrough + ")"
                        : " (no signed retention record accounts for them)")));
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
            if (e.seq() - 1 > expiredThrough) {
                long from = Math.max(lastSeq + 1, expiredThrough + 1);
                findings.add(new Finding(writer, from, Finding.Kind.MISSING, from == e.seq() - 1
                        ? "event #" + from + " is missing" : "events #" + from + " to #" + (e.seq() - 1) + " are missing"));
            }
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
        if (headSeq > lastSeq && headSeq > expiredThrough && headSeq <= pendingAfter) {
            long from = Math.max(lastSeq + 1, expiredThrough + 1);
            findings.add(new Finding(writer, from, Finding.Kind.MISSING, (from == headSeq ? "event #" + from + " is"
                    : "events #" + from + " to #" + headSeq + " are") + " missing from the end (the writer stored #"
                    + headSeq + ")"));
        } else if (headSeq == lastSeq && headHash != null && lastHash != null
                && !MessageDigest.isEqual(headHash, lastHash)) {
            findings.add(new Finding(writer, headSeq, Finding.Kind.CHANGED, "the newest event is not the one the "
                    + "writer stored"));
        }
        Anchor beyond = null;
        for (Anchor anchor : anchors.values()) {
            if (anchor.seq() > expiredThrough && anchor.seq() <= pendingAfter && anchor.seq() > lastSeq) {
                beyond = anchor;
            }
        }
        if (beyond != null && lastSeq < 0) {
            findings.add(new Finding(writer, beyond.seq(), Finding.Kind.MISSING, "none of this writer's events is "
                    + "stored, but " + beyond.source() + " shows #" + beyond.seq() + " stored"));
        } else if (beyond != null) {
            long from = lastSeq + 1;
            findings.add(new Finding(writer, from, Finding.Kind.MISSING, (from == beyond.seq() ? "event #" + from
                    + " is" : "events #" + from + " to #" + beyond.seq() + " are") + " missing from the end ("
                    + beyond.source() + " shows #" + beyond.seq() + " stored)"));
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
