package io.bulwark;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records one audit event per call: who called (the bound {@link Caller}), what ({@link #action()}), on which
 * resource, from where, and how it ended: {@code success}, {@code failure} (the exception's type and message) or
 * {@code denied} (another guard on the method refused the call, with its reason).
 *
 * <pre>{@code
 * @Audited(action = "user.login", resourceType = "user", resourceId = "{email}")
 * public Session login(String email, @Redact String password) { ... }
 * }</pre>
 *
 * <p>The event is captured on the calling thread, the arguments before the body runs and {@link Redact redacted};
 * storing it never makes the caller wait for a database: events go to a local journal and, with
 * {@code bulwark.jdbc.url} set, on to PostgreSQL. The method's result and exceptions are untouched.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Audited {

    /**
     * What was done, as {@code noun.verb}: {@code "user.login"}, {@code "transfer.create"}. Letters, digits,
     * {@code _} and {@code -} in two or more parts joined by dots; at most 128 characters.
     */
    String action();

    /** The kind of resource acted on, {@code "account"}; letters, digits, {@code . _ -}. Empty for none. */
    String resourceType() default "";

    /**
     * Which resource: a template over the parameters and the caller, as for {@link RateLimited#key()}, e.g.
     * {@code "{request.fromAccount}"}. Literal text is kept: {@code "order-{id}"}. Empty for none.
     */
    String resourceId() default "";

    /** A human-readable name for the resource, a template like {@link #resourceId()}. Empty for none. */
    String resourceName() default "";

    /** What of the call goes into the event's {@code changes}; arguments are always {@link Redact redacted}. */
    Capture capture() default Capture.ARGS;

    /**
     * What a {@code failure} event records of the exception: its type and (redacted) message, or
     * {@link ErrorDetail#TYPE_ONLY its type alone}.
     */
    ErrorDetail errors() default ErrorDetail.MESSAGE;
}
