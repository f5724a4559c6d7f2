package io.bulwark.runtime.audit.verify;

import java.util.List;

/**
 * What verifying an audit store found.
 *
 * @param events   events checked
 * @param writers  writers (chains) checked
 * @param findings every problem, in the order found (each writer's first is the one to look at)
 * @param notes    what is worth knowing but not wrong: a chain that starts after events were expired, events not yet
 *                 shipped, checkpoints that could not be used
 * @param backlog  events the journal holds that are not yet in PostgreSQL (0 when the journal is the store): not
 *                 wrong, but not yet where they belong either
 * @param staged   events staged by calls that returned, in the staging area of a writer no running JVM holds, and not
 *                 yet in its journal (what the next start or {@code audit ship} journals): a backlog too, on this host
 *                 only (a running JVM's are in flight, and only noted)
 */
public record Report(String store, long events, int writers, List<Finding> findings, List<String> notes,
        long backlog, long staged) {

    public Report {
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    /** A report without a backlog. */
    public Report(String store, long events, int writers, List<Finding> findings, List<String> notes) {
        this(store, events, writers, findings, notes, 0, 0);
    }

    /** Nothing wrong, and everything proven: no finding at all. */
    public boolean intact() {
        return findings.isEmpty();
    }

    /** Whether a finding shows tampering or damage (rather than only something that could not be checked). */
    public boolean tampered() {
        for (Finding f : findings) {
            if (f.kind().tampering()) {
                return true;
            }
        }
        return false;
    }
}
