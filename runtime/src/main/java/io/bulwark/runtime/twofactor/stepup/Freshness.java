package io.bulwark.runtime.twofactor.stepup;

import java.time.Instant;

/**
 * When each session last verified a second factor ({@code verified_at}): in Redis when configured, so every instance
 * of a service sees it, else in this JVM's memory. Keyed by user and session together, so a session id presented by
 * another user is worth nothing.
 */
interface Freshness extends AutoCloseable {

    /** When {@code session} of {@code user} last verified a code, or null. */
    Instant verifiedAt(String user, String session) throws StepUpStoreException;

    void markVerified(String user, String session, Instant at) throws StepUpStoreException;

    @Override
    void close();
}
