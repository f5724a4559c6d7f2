package io.bulwark.web.spring;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.micrometer.context.ThreadLocalAccessor;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * For reactive applications that turn on Reactor's automatic context propagation (Micrometer's
 * {@code io.micrometer:context-propagation} on the class path and {@code spring.reactor.context-propagation=auto}):
 * the caller {@link BulwarkWebFilter} put in Reactor's context is then also bound to the thread around every
 * operator, so guarded methods that do not return {@code Mono}/{@code Flux}, called from a reactive handler, see it
 * too. Registered through {@code META-INF/services}; without context-propagation nothing loads it.
 *
 * <p>Bulwark's binding is a stack of scopes, so each value set opens one and each restore closes the newest: the
 * library sets and restores in nested order.
 */
public final class CallerThreadLocalAccessor implements ThreadLocalAccessor<Caller> {

    private static final ThreadLocal<Deque<Bulwark.Scope>> SCOPES = new ThreadLocal<>();

    @Override
    public Object key() {
        return Caller.class;
    }

    @Override
    public Caller getValue() {
        Caller bound = Bulwark.caller();
        return bound == Caller.anonymous() ? null : bound;
    }

    @Override
    public void setValue(Caller value) {
        scopes().push(Bulwark.bind(value));
    }

    @Override
    public void setValue() {
        scopes().push(Bulwark.bind(Caller.anonymous()));
    }

    @Override
    public void restore(Caller previousValue) {
        restore();
    }

    @Override
    public void restore() {
        Deque<Bulwark.Scope> scopes = SCOPES.get();
        if (scopes != null && !scopes.isEmpty()) {
            scopes.pop().close();
        }
    }

    private static Deque<Bulwark.Scope> scopes() {
        Deque<Bulwark.Scope> scopes = SCOPES.get();
        if (scopes == null) {
            scopes = new ArrayDeque<>();
            SCOPES.set(scopes);
        }
        return scopes;
    }
}
