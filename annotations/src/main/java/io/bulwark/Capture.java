package io.bulwark;

/** What an {@link Audited} event records of the call itself, beyond who, what, which resource and the outcome. */
public enum Capture {

    /** Nothing: the event's {@code changes} stays empty. */
    NONE,

    /** Each argument's type and size (characters, elements), never a value. */
    METADATA,

    /** The arguments' values, {@link Redact redacted}, within a size cap. */
    ARGS,

    /** The arguments and the returned value (on success), redacted, within a size cap. */
    ARGS_AND_RESULT
}
