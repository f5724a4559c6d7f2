package io.bulwark.runtime.guard;

/** Everything enforced on one method, in the order of DESIGN §3. */
interface MethodGuard {

    /** Before the body: returns a token for {@link #exit}, or throws the refusal. */
    Object enter(Object[] args);

    /** After the body; must not throw. */
    void exit(Object token, Throwable thrown);

    boolean readsArguments();

    boolean settles();
}
