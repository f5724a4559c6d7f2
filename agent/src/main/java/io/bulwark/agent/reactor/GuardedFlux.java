package io.bulwark.agent.reactor;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** A guarded method's {@code Flux}: as {@link GuardedMono}, settled when the flux completes, fails or is cancelled. */
final class GuardedFlux extends Flux<Object> {

    private final int guard;
    private final Object[] args;
    private final Supplier<?> body;
    /** The caller bound where the method was called, if any: see {@link GuardedSubscriber#subscribe}. */
    private final Caller assembledBy;

    private GuardedFlux(int guard, Object[] args, Supplier<?> body) {
        this.guard = guard;
        this.args = args;
        this.body = body;
        Caller bound = Bulwark.caller();
        this.assembledBy = bound == Caller.anonymous() ? null : bound;
    }

    static Flux<Object> of(int guard, Object[] args, Supplier<?> body) {
        return onAssembly(new GuardedFlux(guard, args, body));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        GuardedSubscriber.subscribe(guard, args, body, assembledBy, actual, false);
    }
}
