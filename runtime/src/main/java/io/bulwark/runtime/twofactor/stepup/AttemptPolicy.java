package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.twofactor.store.FactorRecord;
import java.time.Duration;
import java.time.Instant;

/**
 * How wrong codes are held back, per user and apart from any password lockout: the first {@link #FREE} in a row cost
 * nothing (typos, a slow clock); after that the next code is only checked after a delay that doubles each time (1 s,
 * 2 s, 4 s, ... at most {@link #MAX_DELAY}); at {@code maxFailures} in a row the factor is locked until an operator
 * unlocks it. Recovery codes count alike. With the defaults an attacker gets 10 guesses at a 6-digit code, a chance
 * of 1 in 33,000 (each guess covers the 3 codes of the window), and then nothing.
 */
final class AttemptPolicy {

    static final int FREE = 3;
    static final Duration MAX_DELAY = Duration.ofMinutes(15);

    private final int maxFailures;

    AttemptPolicy(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    /** The record after one more wrong code at {@code now}. */
    FactorRecord failed(FactorRecord r, Instant now) {
        int failures = r.failures() + 1;
        if (failures >= maxFailures) {
            return r.withFailures(failures, null, now);
        }
        return r.withFailures(failures, failures < FREE ? null : now.plus(delay(failures)), null);
    }

    /** The record after one more wrong confirmation code for its pending enrollment at {@code now}. */
    FactorRecord failedPending(FactorRecord r, Instant now) {
        int failures = r.pendingFailures() + 1;
        if (failures >= maxFailures) {
            return r.withPendingFailures(failures, null, now);
        }
        return r.withPendingFailures(failures, failures < FREE ? null : now.plus(delay(failures)), null);
    }

    /** The wait after {@code failures} wrong codes in a row (at least {@link #FREE}). */
    static Duration delay(int failures) {
        int doublings = failures - FREE;
        return doublings >= 20 ? MAX_DELAY : min(Duration.ofSeconds(1L << doublings), MAX_DELAY);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
