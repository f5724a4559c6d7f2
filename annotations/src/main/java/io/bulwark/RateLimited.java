package io.bulwark;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often a method may be called, or how often it may fail, per key.
 *
 * <pre>{@code
 * @RateLimited(name = "login", limit = 5, window = "5m", key = "{email}",
 *              count = Count.FAILURES, lockout = "15m", resetOnSuccess = true)
 * @RateLimited(name = "login-ip", limit = 20, window = "5m", key = "{caller.ip}", count = Count.FAILURES)
 * public Session login(String email, String password) { ... }
 * }</pre>
 *
 * <p>The Bulwark agent weaves the check into the method itself, so it holds for private, static and final
 * methods and for calls from inside the same class. A refused call throws {@link RateLimitedException}
 * (or {@link LockedOutException} while a lockout is in force) before the method body runs. Several
 * {@code @RateLimited} on one method are checked all-or-nothing: a call refused by one limit consumes
 * nothing from the others.
 *
 * <p>With {@link Count#CALLS} every admitted call takes one unit from a
 * <a href="https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm">GCRA</a> bucket that holds
 * {@link #limit()} units and refills one unit every {@code window / limit}: a burst of {@code limit} calls
 * is admitted at once, then calls are admitted at the average rate. With {@link Count#FAILURES} only calls
 * that fail count: once {@code limit} failures fall within {@link #window()}, further calls are refused, and
 * with a {@link #lockout()} they are refused for that long.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(RateLimited.List.class)
public @interface RateLimited {

    /**
     * The policy's name: it names its counters and its configuration keys
     * ({@code bulwark.ratelimit.<name>.limit}). 1 to 128 letters, digits, {@code .}, {@code _}, {@code $} or
     * {@code -} (the rule the processor and the agent check, with the message they give). Defaults to the method's
     * {@code fully.qualified.Class.method}. Two methods that use the same name share their counters and must declare
     * the same limit.
     */
    String name() default "";

    /** How many calls (or failures) fall within one {@link #window()}; at least 1. */
    int limit();

    /**
     * The window: {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "1d"}, {@code "1h30m"} or ISO-8601
     * {@code "PT90S"}.
     */
    String window();

    /**
     * Whose counter a call takes from: a template over the method's parameters and the bound {@link Caller},
     * e.g. {@code "{email}"}, {@code "{request.user.id}"}, {@code "{caller.ip}"}, {@code "{caller.org}:{email}"}.
     * A property is read through a record component, a getter ({@code getX()}/{@code isX()}) or a public
     * method named like it. Caller fields: {@code user}, {@code email}, {@code ip}, {@code org},
     * {@code session}. The empty key means one counter for everybody.
     */
    String key() default "";

    /** What counts: every call, or only failed calls. */
    Count count() default Count.CALLS;

    /**
     * With {@link Count#FAILURES}: once {@link #limit()} failures fall within {@link #window()}, refuse every
     * call with the same key for this long. Same format as {@link #window()}; empty means no lockout.
     */
    String lockout() default "";

    /** With {@link Count#FAILURES}: the exception types that count as a failure. Empty means any exception. */
    Class<? extends Throwable>[] failureOn() default {};

    /** With {@link Count#FAILURES}: a successful call clears the failures counted so far for its key. */
    boolean resetOnSuccess() default false;

    /**
     * What a quota does when its shared store (Redis) cannot answer. Lockouts always fail closed. The
     * in-memory engine never fails, so this only matters with a store.
     */
    StoreFailure onStoreFailure() default StoreFailure.LOCAL;

    /** Holds several {@link RateLimited} on one method; written by the compiler, not by hand. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {
        RateLimited[] value();
    }
}
