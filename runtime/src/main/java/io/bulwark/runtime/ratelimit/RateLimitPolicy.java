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
 * @param mode       whether it refuses ({@link Mode#ENFORCE}) or only reports what it would refuse
 */
public record RateLimitPolicy(String name, int limit, Duration window, String key, Count count, Duration lockout,
        Set<String> failureOn, boolean resetOnSuccess, StoreFailure onStoreFailure, Algorithm algorithm, Mode mode) {

    public RateLimitPolicy {
        failureOn = Set.copyOf(failureOn);
    }

    /** An enforced policy. */
    public RateLimitPolicy(String name, int limit, Duration window, String key, Count count, Duration lockout,
            Set<String> failureOn, boolean resetOnSuccess, StoreFailure onStoreFailure, Algorithm algorithm) {
        this(name, limit, window, key, count, lockout, failureOn, resetOnSuccess, onStoreFailure, algorithm,
                Mode.ENFORCE);
    }

    public RateLimitPolicy withName(String newName) {
        return new RateLimitPolicy(newName, limit, window, key, count, lockout, failureOn, resetOnSuccess,
                onStoreFailure, algorithm, mode);
    }

    public RateLimitPolicy withStoreFailure(StoreFailure policy) {
        return new RateLimitPolicy(name, limit, window, key, count, lockout, failureOn, resetOnSuccess, policy,
                algorithm, mode);
    }

    public RateLimitPolicy withAlgorithm(Algorithm newAlgorithm) {
        return new RateLimitPolicy(name, limit, window, key, count, lockout, failureOn, resetOnSuccess, onStoreFailure,
                newAlgorithm, mode);
    }

    public RateLimitPolicy withMode(Mode newMode) {
        return new RateLimitPolicy(name, limit, window, key, count, lockout, failureOn, resetOnSuccess, onStoreFailure,
                algorithm, newMode);
    }

    public boolean shadow() {
        return mode == Mode.SHADOW;
    }

    /**
     * Whether {@code other}'s state cannot carry over from this policy's: another algorithm keeps another kind of
     * state, and each mode counts apart (so that nothing shadow mode saw, a would-be lockout or a reservation, ever
     * refuses a call once the policy enforces).
     */
    public boolean keepsStateApartFrom(RateLimitPolicy other) {
        return algorithm != other.algorithm || mode != other.mode || count != other.count;
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
        text = hasLockout() ? text + ", then locked " + Durations.format(lockout) : text;
        return mode == Mode.SHADOW ? text + ", in shadow mode (refuses nothing)" : text;
    }

    static long toMicros(Duration d) {
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }

    static Duration fromMicros(long micros) {
        return Duration.ofSeconds(micros / 1_000_000L, (micros % 1_000_000L) * 1_000L);
    }
}
