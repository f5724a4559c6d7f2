package io.bulwark.internal;

import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitCounts;
import java.util.List;

/**
 * What woven code calls, through {@link Dispatch}. Implemented by the runtime the agent installs. Not API.
 */
public interface GuardRuntime {

    /**
     * Applies the guards of method {@code guard} before its body runs.
     *
     * @param args the method's arguments, or {@code null} when none of its guards reads them
     * @return a token handed back to {@link #exit}, or {@code null}
     * @throws io.bulwark.BulwarkException when the call is refused
     */
    Object enter(int guard, Object[] args);

    /**
     * {@link #enter} for a method whose guards read one of its arguments and nothing else of them (a key such as
     * {@code "{user}"}): the weaver passes that argument alone, boxed if primitive, when the method's registration
     * names it, so that the call allocates no array (issue 16).
     *
     * @param argument the one argument the guards read
     */
    Object enterArgument(int guard, Object argument);

    /**
     * Settles the guards of method {@code guard} after its body ran. Never throws: it must not replace the
     * method's own result or exception.
     *
     * @param result what the body returned, when the guards asked for it; else {@code null}
     * @param thrown what the body threw, or {@code null} when it returned
     */
    void exit(int guard, Object token, Object result, Throwable thrown);

    /** See {@link Dispatch#subscribe}. */
    Object subscribe(int guard, Object[] args, Object owner);

    /**
     * See {@link Dispatch#body}: the guard id whose body {@code call} may run, once.
     *
     * @throws IllegalStateException when {@code call} is not an admitted call whose body has yet to run
     */
    int admitBody(Object call);

    /** See {@link Dispatch#settle}. Never throws. */
    void settle(Object call, Object result, Throwable thrown);

    /** See {@link Dispatch#cancel}. Never throws. */
    void cancel(Object call);

    /** What {@link io.bulwark.TwoFactor} calls. */
    TwoFactorOperations twoFactor();

    /** See {@link io.bulwark.RateLimits#reset}; {@code renderedKey} is already framed. */
    boolean reset(String policy, String renderedKey);

    /** See {@link io.bulwark.Bulwark#status()}. */
    default BulwarkStatus status() {
        return BulwarkStatus.inactive();
    }

    /** See {@link io.bulwark.Bulwark#rateLimitCounts()}. */
    default List<RateLimitCounts> rateLimitCounts() {
        return List.of();
    }

    /** See {@link io.bulwark.Bulwark#rateLimitCounts(String)}. */
    default RateLimitCounts rateLimitCounts(String policy) {
        return null;
    }
}
