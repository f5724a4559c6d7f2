package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.Count;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.time.Duration;

/**
 * One policy on Redis: its script arguments, computed once (again when the configuration changes), and its twin in
 * memory for {@code onStoreFailure = LOCAL}.
 */
final class RedisLimit implements RateLimiter.Limit {

    /** The policy and its script arguments, replaced as a whole: a check reads one of them, never half of each. */
    static final class State {
        final RateLimitPolicy policy;
        /**
         * The script arguments of an acquire: the kind, then only the values that kind needs (a failures limit's
         * random reservation id is added per call).
         */
        final String[] acquireArgs;

        State(RateLimitPolicy policy) {
            this.policy = policy;
            this.acquireArgs = acquireArgs(policy);
        }

        boolean countsFailures() {
            return policy.count() == Count.FAILURES;
        }

        /** The script arguments that give back what an admitted acquire took; {@code token} is what it answered. */
        String[] undoArgs(long token) {
            return switch (RedisKeys.kind(policy)) {
                case 'f' -> new String[] {"f", Integer.toString(policy.limit()), Long.toString(policy.windowMicros()),
                    Long.toString(policy.lockoutMicros()), Long.toString(token), "n"};
                case 'w' -> new String[] {"w", Long.toString(policy.windowMicros()), Long.toString(token)};
                default -> new String[] {"g", acquireArgs[1]};
            };
        }

        RateLimitedException refusal(long waitMicros, long resetMicros, boolean locked) {
            Duration wait = Duration.ofNanos(waitMicros * 1_000);
            if (locked) {
                return new LockedOutException(policy.name(), policy.limit(), policy.window(), policy.lockout(), wait);
            }
            return new RateLimitedException(policy.name(), policy.limit(), 0, policy.window(), wait,
                    Duration.ofNanos(Math.max(0, resetMicros) * 1_000));
        }
    }

    volatile State state;
    final RateLimiter.Limit local;

    RedisLimit(RateLimitPolicy policy, RateLimiter.Limit local) {
        this.state = new State(policy);
        this.local = local;
    }

    private static String[] acquireArgs(RateLimitPolicy policy) {
        long window = policy.windowMicros();
        long emission = window / policy.limit();
        return switch (RedisKeys.kind(policy)) {
            case 'f' -> args("f", policy.limit(), window, policy.lockoutMicros(),
                    RateLimiter.RESERVATION_TTL_MICROS);
            case 'w' -> args("w", policy.limit(), window);
            // Capacity is limit * emission, not the window: see MemoryLimit.
            default -> args("g", emission, emission * policy.limit());
        };
    }

    private static String[] args(String kind, long... values) {
        String[] args = new String[1 + values.length];
        args[0] = kind;
        for (int i = 0; i < values.length; i++) {
            args[i + 1] = Long.toString(values[i]);
        }
        return args;
    }

    @Override
    public RateLimitPolicy policy() {
        return state.policy;
    }

    boolean countsFailures() {
        return state.policy.count() == Count.FAILURES;
    }

    /** The script arguments that settle reservation {@code id}: the kind and five values. */
    String[] settleArgs(long id, Throwable thrown, boolean cancelled) {
        RateLimitPolicy policy = state.policy;
        String outcome;
        if (cancelled) {
            outcome = "n";
        } else if (thrown != null) {
            outcome = policy.countsAsFailure(thrown) ? "f" : "n";
        } else {
            outcome = policy.resetOnSuccess() ? "r" : "n";
        }
        return new String[] {"f", Integer.toString(policy.limit()), Long.toString(policy.windowMicros()),
            Long.toString(policy.lockoutMicros()), Long.toString(id), outcome};
    }

    /** The script arguments that extend reservation {@code id} by a full time to live: its call still runs. */
    String[] extendArgs(long id) {
        RateLimitPolicy policy = state.policy;
        return new String[] {"f", Integer.toString(policy.limit()), Long.toString(policy.windowMicros()),
            Long.toString(policy.lockoutMicros()), Long.toString(RateLimiter.RESERVATION_TTL_MICROS),
            Long.toString(id)};
    }

    RateLimitedException refusal(long waitMicros, long resetMicros, boolean locked) {
        return state.refusal(waitMicros, resetMicros, locked);
    }
}
