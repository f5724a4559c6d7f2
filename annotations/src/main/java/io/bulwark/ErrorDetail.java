package io.bulwark;

/**
 * How much of a failed call's exception an {@link Audited} event records.
 *
 * <pre>{@code
 * @Audited(action = "card.charge", errors = ErrorDetail.TYPE_ONLY)
 * public Receipt charge(@Redact String cardNumber, long cents) { ... }
 * }</pre>
 */
public enum ErrorDetail {

    /**
     * The exception's type and message, with the text of every redacted value the call carried cut out (in any
     * case); when a short redacted value cannot be cut out safely, the type alone.
     */
    MESSAGE,

    /**
     * The exception's type alone: for methods whose exceptions may carry what no redaction can know of (a driver's
     * message quoting a query's values, a parser's quoting its input).
     */
    TYPE_ONLY
}
