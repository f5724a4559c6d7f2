package io.bulwark.runtime.twofactor.stepup;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Session freshness in this JVM's memory: the embedded default. Entries older than the longest max age are dropped
 * as new ones arrive, and the map holds at most {@link #MAX_SESSIONS}: past that, the oldest half is forgotten (those
 * sessions are asked for a code again, which is safe).
 */
final class MemoryFreshness implements Freshness {

    static final int MAX_SESSIONS = 1_000_000;

    private final Map<String, Instant> verified = new ConcurrentHashMap<>();
    private final Duration keep;

    MemoryFreshness(Duration keep) {
        this.keep = keep;
    }

    @Override
    public Instant verifiedAt(String user, String session) {
        return verified.get(key(user, session));
    }

    @Override
    public void markVerified(String user, String session, Instant at) {
        if (verified.size() >= MAX_SESSIONS) {
            prune(at);
        }
        verified.merge(key(user, session), at, (a, b) -> a.isAfter(b) ? a : b);
    }

    private void prune(Instant now) {
        Instant horizon = now.minus(keep);
        verified.values().removeIf(t -> t.isBefore(horizon));
        if (verified.size() >= MAX_SESSIONS / 2) {
            Instant median = verified.values().stream().sorted().skip(verified.size() / 2).findFirst().orElse(now);
            for (Iterator<Instant> i = verified.values().iterator(); i.hasNext();) {
                if (i.next().isBefore(median)) {
                    i.remove();
                }
            }
        }
    }

    /** Length-prefixed, so that no user and session pair can be spelled as another. */
    private static String key(String user, String session) {
        return user.length() + ":" + user + session;
    }

    @Override
    public void close() {
    }
}
