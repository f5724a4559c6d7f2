package io.bulwark.runtime.audit.verify;

import java.util.UUID;

/**
 * One thing wrong with a writer's chain.
 *
 * @param seq the sequence number where it shows (for {@link Kind#MISSING}, the first missing one)
 */
public record Finding(UUID writer, long seq, Kind kind, String detail) {

    /** What is wrong. */
    public enum Kind {
        /** The event's contents no longer hash to its stored hash, or its link to the event before is broken. */
        CHANGED,
        /** Events are missing: a gap in the sequence, or the newest events gone from the end. */
        MISSING,
        /** An event stands out of its order. */
        REORDERED,
        /** An event that no writer wrote: a second event with the same number. */
        INSERTED,
        /** The journal file cannot even be read here. */
        DAMAGED,
        /**
         * Not proven either way: the verifier was not given the key the writer sealed with, or the writer's events
         * carry the unkeyed chain of an earlier Bulwark (which a forger could recompute).
         */
        UNVERIFIED;

        /** Whether this is evidence that something was changed, rather than something that could not be checked. */
        public boolean tampering() {
            return this != UNVERIFIED;
        }
    }

    @Override
    public String toString() {
        return kind + " writer " + writer + " #" + seq + ": " + detail;
    }
}
