package io.bulwark.runtime.guard;

import io.bulwark.GuardUnavailableException;
import java.util.concurrent.CancellationException;

/**
 * Woven in place of a guard whose declaration is invalid: the method refuses every call rather than run
 * unguarded. The reason is in the log; the exception says only where to look, as it may reach a client.
 */
final class RefusingGuard implements MethodGuard {

    private final String method;

    RefusingGuard(String method) {
        this.method = method;
    }

    @Override
    public Object enter(Object[] args) {
        throw new GuardUnavailableException(method, "its guard declaration is invalid (the Bulwark log says why)");
    }

    @Override
    public void exit(Object token, Object result, Throwable thrown) {
    }

    @Override
    public void cancel(Object token, CancellationException why) {
    }

    @Override
    public boolean readsArguments() {
        return false;
    }

    @Override
    public boolean settles() {
        return false;
    }
}
