package io.bulwark.runtime.audit.journal;

import java.io.IOException;

/** A journal segment changed on disk somewhere other than a torn last write: nothing is appended after it. */
public final class JournalDamagedException extends IOException {

    private static final long serialVersionUID = 1L;

    JournalDamagedException(String message) {
        super(message);
    }
}
