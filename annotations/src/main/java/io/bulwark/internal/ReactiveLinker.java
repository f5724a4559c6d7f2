package io.bulwark.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Links the {@code invokedynamic} that woven {@code Mono}/{@code Flux} methods use to reach Bulwark's Reactor helper,
 * which the agent defines in the woven class's own class loader (the only one that sees the application's Reactor).
 * Installed by the agent. Not API.
 */
public interface ReactiveLinker {

    /**
     * @param caller the woven class's lookup
     * @param name   {@code mono} or {@code flux}
     * @param type   {@code (int, Object[], Supplier) -> Mono} (or {@code Flux})
     * @return a handle of exactly {@code type}
     */
    MethodHandle link(MethodHandles.Lookup caller, String name, MethodType type) throws Exception;
}
