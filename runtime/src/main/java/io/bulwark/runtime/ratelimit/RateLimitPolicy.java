package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.internal.Durations;
import java.time.Duration;
import java.util.Set;

/**
 * One {@code @RateLimited} declaration, checked and with configuration overrides applied. Two methods that
 * share a policy name must have equal policies.
 *
 * @param key        the key template as declared, part of the identity of the counters
 * @param lockout    {@link Duration#ZERO} for none
 * @param failureOn  fully qualified exception class names that count as failures; empty for any
 * @param algorithm  how calls are counted; only meaningful with {@code count = CALLS}
 */
public record RateLimitPolicy(String name, int limit, Duration window, String key, Count count, Duration lockout,
        Set<String> failureOn, boolean resetOnSuccess, StoreFailure onStoreFailure, Algorithm algorithm) {

    public RateLimitPolicy {
        failureOn = Set.copyOf(failureOn);
    }

    public RateLimitPolicy withName(String newName) {
        return new RateLimitPolicy(newName, limit, window, key, count, lockout, failureOn, resetOnSuccess,
                onStoreFailure, algorithm);
    }

    public RateLimitPolicy withStoreFailure(StoreFailure policy) {
        return new RateLimitPolicy(name, limit, window, key, count, lockout, failureOn, resetOnSuccess, policy,
                algorithm);
    }

    public RateLimitPolicy withAlgorithm(Algorithm newAlgorithm) {
        return new RateLimitPolicy(name, limit, window, key, count, lockout, failureOn, resetOnSuccess, onStoreFailure,
                newAlgorithm);
    }

    public long windowMicros() {
        return toMicros(window);
    }

    public long lockoutMicros() {
        return toMicros(lockout);
    }

    public boolean hasLockout() {
        return !lockout.isZero();
    }

    /** Whether a call that threw {@code thrown} counts as a failure of this policy. */
    public boolean countsAsFailure(Throwable thrown) {
        if (failureOn.isEmpty()) {
            return true;
        }
        // By name, walking superclasses: no Class objects to resolve in the application's loaders, and an
        // exception type cannot be an interface, so superclasses are all there is to match.
        for (Class<?> type = thrown.getClass(); type != null; type = type.getSuperclass()) {
            if (failureOn.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }

    /** {@code 5 per 5m}, {@code 5 failures per 5m, then locked 15m}: for log lines. */
    public String describe() {
        String what = count == Count.FAILURES ? " failures per " : " per ";
        String text = limit + what + Durations.format(window)
                + (count == Count.CALLS && algorithm == Algorithm.SLIDING_WINDOW ? " (sliding window)" : "");
        return hasLockout() ? text + ", then locked " + Durations.format(lockout) : text;
    }

    static long toMicros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    static Duration fromMicros(long micros) {
        return Duration.ofSeconds(micros / 1_000_000L, (micros % 1_000_000L) * 1_000L);
    }
}
