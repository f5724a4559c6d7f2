package io.bulwark.agent.reactor;

import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bulwark's Reactor helper: what a woven {@code Mono}/{@code Flux} method returns in place of the publisher its body
 * builds (see {@code GuardWeaving}). Not API.
 *
 * <p>These classes are never loaded by the agent. The agent reads their class files and defines them, on first use, in
 * the class loader of each woven class that returns a {@code Mono} or {@code Flux} ({@code ReactorLinker}): that
 * loader sees the application's own Reactor, which neither the agent's isolated loader nor the bootstrap loader (where
 * the dispatch bridge lives) can see. They compile against reactor-core but call Bulwark only through the dispatch
 * bridge, so they link in any loader that sees both.
 */
public final class ReactorGuards {

    private ReactorGuards() {
    }

    /** The {@code Mono} a woven method returns: guarded at each subscription. */
    public static Mono<Object> mono(int guard, Object[] args, Supplier<?> body) {
        return GuardedMono.of(guard, args, body);
    }

    /** The {@code Flux} a woven method returns: guarded at each subscription. */
    public static Flux<Object> flux(int guard, Object[] args, Supplier<?> body) {
        return GuardedFlux.of(guard, args, body);
    }
}
