package io.bulwark.agent.reactor;

import java.util.function.Supplier;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** A guarded method's {@code Flux}: as {@link GuardedMono}, settled when the flux completes, fails or is cancelled. */
final class GuardedFlux extends Flux<Object> {

    private final int guard;
    private final Object[] args;
    private final Supplier<?> body;

    private GuardedFlux(int guard, Object[] args, Supplier<?> body) {
        this.guard = guard;
        this.args = args;
        this.body = body;
    }

    static Flux<Object> of(int guard, Object[] args, Supplier<?> body) {
        return onAssembly(new GuardedFlux(guard, args, body));
    }

    @Override
    public void subscribe(CoreSubscriber<? super Object> actual) {
        GuardedSubscriber.subscribe(guard, args, body, actual, false);
    }
}
