package io.bulwark.agent.reactor;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * A guarded method's {@code Mono}: at each subscription the method's guards decide, then its body builds the
 * publisher whose signals pass through unchanged ({@link GuardedSubscriber}). One subclass rather than
 * {@code Mono.deferContextual(...)} and three peeking operators: one object per subscription instead of several, and
 * the guards settle before the subscriber sees the signal (a caller who retries at once finds the failure counted).
 */
final class GuardedMono extends Mono<Object> {

    private final int guard;
    private final Object[] args;
    private final Supplier<?> body;
    /** The caller bound where the method was called, if any: see {@link GuardedSubscriber#subscribe}. */
    private final Caller assembledBy;

    private GuardedMono(int guard, Object[] args, Supplier<?> body) {
        this.guard = guard;
        this.args = args;
        this.body = body;
        Caller bound = Bulwark.caller();
        this.assembledBy = bound == Caller.anonymous() ? null : bound;
    }

    static Mono<Object> of(int guard, Object[] args, Supplier<?> body) {
        return onAssembly(new GuardedMono(guard, args, body));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        GuardedSubscriber.subscribe(guard, args, body, assembledBy, actual, true);
    }
}
