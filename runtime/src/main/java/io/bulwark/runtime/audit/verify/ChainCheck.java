package io.bulwark.runtime.audit.verify;

import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

/**
 * Checks one writer's events, fed in the order they are stored (the journal's file order, or the database's order by
 * sequence number): each event must hash to its stored hash ({@link EventCodec#intact}), link to the hash of the
 * event before it, and carry the next number.
 */
final class ChainCheck {

    private final UUID writer;
    private final List<Finding> findings;
    /** Events up to this number may be gone by retention rather than by tampering; 0 when none were expired. */
    private final long expiredThrough;
    private long lastSeq = -1;
    private byte[] lastHash;
    private long events;
    private long firstSeq = -1;

    ChainCheck(UUID writer, long expiredThrough, List<Finding> findings) {
        this.writer = writer;
        this.expiredThrough = expiredThrough;
        this.findings = findings;
    }

    void accept(SealedEvent e) {
        events++;
        if (!e.writer().equals(writer)) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.INSERTED, "an event of writer " + e.writer()
                    + " stands among this writer's"));
            return;
        }
        boolean intact = EventCodec.intact(e);
        if (!intact) {
            findings.add(new Finding(writer, e.seq(), Finding.Kind.CHANGED, "its contents do not hash to its stored "
                    + "hash (event " + e.event().id() + ")"));
        }
        if (lastSeq < 0) {
            firstSeq = e.seq();
            if (e.seq() == 1 && !MessageDigest.isEqual(e.prevHash(), EventCodec.genesis())) {
                findings.add(new Finding(writer, 1, Finding.Kind.CHANGED, "the first event does not start a chain"));
            } else if (e.seq() > 1 && e.seq() - 1 > expiredThrough && expiredThrough > 0) {
                findings.add(new Finding(writer, expiredThrough + 1, Finding.Kind.MISSING, "events #"
                        + (expiredThrough + 1) + " to #" + (e.seq() - 1) + " are missing (retention removed only up to #"
                        + expiredThrough + ")"));
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
        lastSeq = e.seq();
        lastHash = e.hash();
    }

    /**
     * The chain ends here; {@code headSeq} and {@code headHash} are what the writer last recorded as stored (the
     * database's {@code audit_writers}), or -1 and null when nothing records it.
     */
    void finish(long headSeq, byte[] headHash) {
        if (headSeq > lastSeq && headSeq > expiredThrough) {
            long from = Math.max(lastSeq + 1, expiredThrough + 1);
            findings.add(new Finding(writer, from, Finding.Kind.MISSING, (from == headSeq ? "event #" + from + " is"
                    : "events #" + from + " to #" + headSeq + " are") + " missing from the end (the writer stored #"
                    + headSeq + ")"));
        } else if (headSeq == lastSeq && headHash != null && lastHash != null
                && !MessageDigest.isEqual(headHash, lastHash)) {
            findings.add(new Finding(writer, headSeq, Finding.Kind.CHANGED, "the newest event is not the one the "
                    + "writer stored"));
        }
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
}
