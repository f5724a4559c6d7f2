package io.bulwark.runtime.key;

import io.bulwark.GuardUnavailableException;
import io.bulwark.runtime.log.Log;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;

/**
 * A key read by the processor's generated code ({@code Class_BulwarkKeys.keyN(Object[])}): plain typed calls,
 * checked by javac. Found on first use through the guarded class's loader, as the class is not loaded yet when its
 * guard is registered; a failure is remembered and refuses every call.
 */
final class GeneratedKey implements KeyExtractor {

    private static final MethodType EXTRACTOR = MethodType.methodType(String.class, Object[].class);

    private final String guard;
    private final String className;
    private final String method;
    private final boolean readsArguments;
    private final WeakReference<ClassLoader> loader;
    private volatile MethodHandle handle;
    private volatile String unresolvable;

    GeneratedKey(String guard, String className, String method, boolean readsArguments, ClassLoader loader) {
        this.guard = guard;
        this.className = className;
        this.method = method;
        this.readsArguments = readsArguments;
        this.loader = new WeakReference<>(loader);
    }

    @Override
    public String extract(Object[] args) {
        MethodHandle h = handle;
        if (h == null) {
            h = resolve();
        }
        try {
            return (String) h.invokeExact(args);
        } catch (Throwable t) {
            // The type only: an exception message may quote the very data the key is made of.
            throw new GuardUnavailableException(guard, "reading its key threw " + t.getClass().getName());
        }
    }

    @Override
    public boolean readsArguments() {
        return readsArguments;
    }

    private MethodHandle resolve() {
        String failure = unresolvable;
        if (failure != null) {
            throw new GuardUnavailableException(guard, failure);
        }
        try {
            Class<?> extractors = Class.forName(className, false, loader.get());
            MethodHandle h = MethodHandles.publicLookup().findStatic(extractors, method, EXTRACTOR);
            handle = h;
            return h;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            String reason = "its generated key extractor " + className + "#" + method + " cannot be used ("
                    + e.getClass().getName() + "): recompile the class with the same Bulwark processor";
            unresolvable = reason;
            Log.error("guard '" + guard + "': " + reason + "; every call is refused");
            throw new GuardUnavailableException(guard, reason);
        }
    }
}
