package io.bulwark.internal;

import io.bulwark.Redact;

/**
 * Where an audit capture writes the arguments it records: the processor's generated code calls it with typed reads,
 * the runtime's own capture with its reflective ones. Members go into the object most recently begun. Past the
 * capture's size cap, members are left out (and the record says so). Not API.
 */
public interface AuditSink {

    /** Names the next member of the current object. */
    void member(String name);

    /** The member's value, captured by the runtime's rules (records, collections, JDK values; others by type). */
    void value(Object value);

    /** The member's value, redacted: {@code value} is read only for {@link Redact.Mode#HASH}. */
    void redacted(Redact.Mode mode, Object value);

    /**
     * A redacted value (of any mode, {@code DROP} included), never written anywhere: kept only while the call runs,
     * so that its text can be cut out of the exception message a failed call is recorded with.
     */
    void secret(Object value);

    /** The member's value is an object whose members follow. */
    void beginObject();

    void endObject();
}
