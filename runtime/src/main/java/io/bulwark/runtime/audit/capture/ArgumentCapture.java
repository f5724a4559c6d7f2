package io.bulwark.runtime.audit.capture;

import io.bulwark.internal.AuditSink;

/** Writes a call's arguments into an audit capture, each as a member named for its parameter. */
public interface ArgumentCapture {

    void write(Object[] args, AuditSink sink);
}
