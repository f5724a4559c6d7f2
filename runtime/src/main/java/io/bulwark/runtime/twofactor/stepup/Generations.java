package io.bulwark.runtime.twofactor.stepup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest generation of each user's factor record seen, so that an older copy put back into the store (a row
 * restored by someone with PostgreSQL's password, to win back ten guesses or a spent recovery code) is refused: in
 * this JVM's memory always, and in Redis when configured (then every instance, and a restarted one, knows it).
 *
 * <p>What this cannot see: a copy put back while no instance that saw the newer one is running and Redis (if any) has
 * forgotten it too. The memory holds at most {@link #MAX_USERS} users; past that the lower half of the entries is
 * forgotten, which only weakens the check for those users, never refuses a good record.
 */
final class Generations {

    static final int MAX_USERS = 1_000_000;

    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final StepLedger ledger;

    /** @param ledger Redis, or null */
    Generations(StepLedger ledger) {
        this.ledger = ledger;
    }

    /** Whether {@code generation} is at least the highest seen for {@code user}; records it if higher. */
    boolean current(String user, long generation) throws StepUpStoreException {
        Long known = seen.get(user);
        if (known != null && generation < known) {
            return false;
        }
        if (ledger != null && !ledger.generation(user, generation)) {
            return false;
        }
        if (known == null || generation > known) {
            if (seen.size() >= MAX_USERS) {
                seen.clear();
            }
            seen.merge(user, generation, Math::max);
        }
        return true;
    }

    /** The highest generation known for {@code user} (0 for none): a new record starts above it. */
    long highest(String user) {
        Long known = seen.get(user);
        return known == null ? 0 : known;
    }
}
