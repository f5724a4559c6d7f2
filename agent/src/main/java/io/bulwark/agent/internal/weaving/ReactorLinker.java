package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import io.bulwark.internal.ReactiveLinker;
import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Links a woven {@code Mono}/{@code Flux} method to Bulwark's Reactor helper ({@code io.bulwark.agent.reactor}),
 * defining the helper in that method's class loader the first time one of its methods is called.
 *
 * <p>Why there: the helper must extend Reactor's {@code Mono} and implement its {@code CoreSubscriber}, and only the
 * application's loaders see the application's Reactor; the agent's isolated loader and the bootstrap loader (where the
 * dispatch bridge lives) see none, and reflection on the hot path is what architecture.md §4 rules out. Options
 * weighed: woven code that calls Reactor itself would need methods added to the woven class for its callbacks, which
 * retransformation forbids; a helper defined once per woven package through the woven class's own {@code Lookup} would
 * need its classes renamed for each package. So the helper is defined once per class loader, as the agent defines its
 * API in the bootstrap loader ({@code BootstrapApi}): with {@code jdk.internal.misc.Unsafe.defineClass}, which the
 * agent opened to its own isolated loader only. After linking, a call costs what any static call costs (the
 * {@code invokedynamic} is bound for good; benchmarks/README.md has the measurement).
 *
 * <p>Where the helper cannot be defined (a JDK without that method), linking fails, the failure is logged, and the call
 * site refuses every call ({@link Dispatch#linkReactive}): the method never runs unguarded.
 */
final class ReactorLinker implements ReactiveLinker {

    private static final String PACKAGE = "io.bulwark.agent.reactor.";
    /** In the order they can be defined: a class after those it extends or implements. */
    private static final String[] HELPER = {"GuardedSubscriber", "GuardedMono", "GuardedFlux", "ReactorGuards"};
    private static final ReactorLinker INSTANCE = new ReactorLinker();

    private final Map<ClassLoader, WeakReference<Class<?>>> defined = new WeakHashMap<>();
    private Method define;
    private Object unsafe;
    private boolean failureLogged;

    private ReactorLinker() {
    }

    /** Installs the linker behind the dispatch bridge, once: done as the first Mono/Flux method is woven. */
    static void install() {
        Dispatch.install(INSTANCE);
    }

    @Override
    public MethodHandle link(MethodHandles.Lookup caller, String name, MethodType type) throws Exception {
        Class<?> woven = caller.lookupClass();
        try {
            Class<?> helper = helperIn(woven.getClassLoader(), woven.getProtectionDomain());
            return MethodHandles.publicLookup().findStatic(helper, name, type);
        } catch (Exception | LinkageError e) {
            logOnce("the Reactor helper could not be set up for " + woven.getName() + "; its Mono and Flux methods "
                    + "refuse every call (" + e + ")");
            throw e;
        }
    }

    private synchronized Class<?> helperIn(ClassLoader loader, ProtectionDomain domain) throws Exception {
        WeakReference<Class<?>> known = defined.get(loader);
        Class<?> helper = known == null ? null : known.get();
        if (helper != null) {
            return helper;
        }
        for (String simpleName : HELPER) {
            helper = define(PACKAGE + simpleName, loader, domain);
        }
        defined.put(loader, new WeakReference<>(helper));
        Log.debug("Reactor helper defined in " + loader);
        return helper;
    }

    private Class<?> define(String name, ClassLoader loader, ProtectionDomain domain) throws Exception {
        byte[] bytes;
        try (InputStream in = ReactorLinker.class.getClassLoader()
                .getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new IllegalStateException("the agent's " + name + " is missing");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("the agent's " + name + " cannot be read", e);
        }
        if (define == null) {
            // Opened to this (isolated) loader's module by BootstrapApi in premain.
            Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
            unsafe = type.getMethod("getUnsafe").invoke(null);
            define = type.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
        }
        try {
            return (Class<?>) define.invoke(unsafe, name, bytes, 0, bytes.length, loader, domain);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof LinkageError duplicate) {
                // Defined there before (by another copy of this linker): use it.
                try {
                    return Class.forName(name, false, loader);
                } catch (ClassNotFoundException notThere) {
                    throw duplicate;
                }
            }
            throw e;
        }
    }

    private synchronized void logOnce(String message) {
        if (!failureLogged) {
            failureLogged = true;
            Log.error(message);
        }
    }
}
