package io.bulwark;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A value that is never written in clear to an audit record, a key, a log line or an exception message.
 *
 * <pre>{@code
 * public Session login(String email, @Redact String password) { ... }
 * public record Card(String holder, @Redact(mode = Redact.Mode.HASH) String number) { }
 * }</pre>
 *
 * <p>On a parameter it covers the argument; on a record component or field, that member wherever a record or
 * object is captured. A key or resource template that names a redacted value does not compile.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.FIELD})
public @interface Redact {

    /** What the audit record holds in place of the value. */
    Mode mode() default Mode.MASK;

    /** What stands in for a redacted value. */
    enum Mode {

        /** Nothing: the member is left out, as if it did not exist. */
        DROP,

        /** {@code "[redacted]"}: the member is there, its value is not. */
        MASK,

        /**
         * {@code "hmac:…"}: a keyed hash (HMAC-SHA-256 under {@code bulwark.audit.hash-key}) that lets equal values be
         * matched across events without revealing them. Unkeyed, a hash of a short secret is as good as the secret.
         */
        HASH
    }
}
