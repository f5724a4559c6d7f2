package io.bulwark.runtime.guard;

import java.util.concurrent.CancellationException;

/** Everything enforced on one method, in the order of architecture.md §3. */
interface MethodGuard {

    /** Before the body: returns a token for {@link #exit}, or throws the refusal. */
    Object enter(Object[] args);

    /**
     * {@link #enter} given only the argument {@link #argument} names. Called only for a method registered with that
     * index; a guard that names none refuses the call rather than run it unguarded.
     */
    default Object enterArgument(Object argument) {
        throw new IllegalStateException("Bulwark: this guard reads no single argument");
    }

    /**
     * The index of the one argument {@link #enter} reads, when it reads no other (a single key of one argument, and
     * nothing that captures arguments); else -1.
     */
    default int argument() {
        return -1;
    }

    /** After the body; must not throw. {@code result} is the returned value when a guard asked for it, else null. */
    void exit(Object token, Object result, Throwable thrown);

    /**
     * The call ended without an outcome: an asynchronous result was cancelled, or abandoned (garbage-collected before
     * it completed). Reservations are given back without counting; an audit event records {@code why}. Must not throw.
     */
    void cancel(Object token, CancellationException why);

    boolean readsArguments();

    boolean settles();

    /** Whether {@link #exit} wants the returned value. */
    default boolean needsResult() {
        return false;
    }
}
