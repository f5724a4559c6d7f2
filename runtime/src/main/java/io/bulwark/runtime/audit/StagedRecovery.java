package io.bulwark.runtime.audit;

import io.bulwark.runtime.audit.journal.JournalThread;
import io.bulwark.runtime.audit.journal.JournalWriter;
import io.bulwark.runtime.audit.journal.StagingArea;
import java.io.IOException;

/**
 * For whatever opens a writer's journal outside the pipeline (a command shipping a leftover journal): first journal
 * what that writer's callers staged and the journal does not hold yet, as the journal thread does when it opens
 * ({@link JournalThread#recoverStaged}).
 */
public final class StagedRecovery {

    private StagedRecovery() {
    }

    /** Journals (and syncs) the events staged in {@code writer}'s directory and not yet in its journal; how many. */
    public static int recover(JournalWriter writer) throws IOException {
        try (StagingArea area = StagingArea.open(writer.directory(), StagingArea.DEFAULT_CAPACITY)) {
            return JournalThread.recoverStaged(writer, area);
        }
    }
}
