package io.bulwark.runtime.audit;

import io.bulwark.Caller;
import io.bulwark.runtime.audit.capture.UuidV7;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import io.bulwark.runtime.audit.journal.JournalThread;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.StagingArea;
import io.bulwark.runtime.config.AuditSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Leaves what a JVM killed before its journal thread took its callers' events leaves: a writer directory no JVM holds,
 * whose staging area holds events its journal does not (for tests outside this package, such as the CLI's).
 */
public final class StagedLeftovers {

    private StagedLeftovers() {
    }

    /** Stages {@code n} events in a new writer of {@code settings}' audit directory, and lets it go; their ids. */
    public static List<UUID> leave(AuditSettings settings, int n) throws IOException {
        List<UUID> ids = new ArrayList<>();
        JournalWriter dead = JournalWriter.open(settings.auditDir(), ChainKey.of(settings), new Checkpoints.Policy(
                1_000, Duration.ofMinutes(1), Checkpoint.Store.POSTGRESQL));
        try (StagingArea area = StagingArea.open(dead.directory(), StagingArea.DEFAULT_CAPACITY)) {
            JournalThread.recoverStaged(dead, area);
            for (int i = 0; i < n; i++) {
                Draft d = new Draft(UuidV7.next(System.currentTimeMillis()), 1_700_000_000_000_000L + i,
                        Caller.of("u-" + i).roles("ops"), "transfer.create", "account");
                d.resource("acct-" + i, null);
                d.outcome(Status.SUCCESS, null, 10 + i);
                ids.add(d.id());
                int length = StagedDrafts.length(d);
                long position = area.reserve(length);
                StagedDrafts.write(d, area, area.payloadAt(position));
                area.commit(position, length);
            }
        } finally {
            // Killed: the lock goes with the process, the staged pages stay.
            dead.close();
        }
        return ids;
    }
}
