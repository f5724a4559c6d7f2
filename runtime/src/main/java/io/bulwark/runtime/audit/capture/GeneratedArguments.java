package io.bulwark.runtime.audit.capture;

import io.bulwark.GuardUnavailableException;
import io.bulwark.internal.AuditSink;
import io.bulwark.runtime.log.Log;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;

/**
 * The processor's generated capture ({@code Class_BulwarkKeys.argsN(Object[], AuditSink)}): typed reads, redaction
 * decided at compile time. Found on first use through the guarded class's loader; a failure is remembered and refuses
 * every call, as a capture that silently fell back could record what the processor was told to keep out.
 */
public final class GeneratedArguments implements ArgumentCapture {

    private static final MethodType CAPTURE = MethodType.methodType(void.class, Object[].class, AuditSink.class);

    private final String guard;
    private final String className;
    private final String method;
    private final WeakReference<ClassLoader> loader;
    private volatile MethodHandle handle;
    private volatile String unresolvable;

    /** @param generated {@code com.acme.Auth_BulwarkKeys#args0} */
    public GeneratedArguments(String guard, String generated, ClassLoader loader) {
        int hash = generated.indexOf('#');
        this.guard = guard;
        this.className = generated.substring(0, hash);
        this.method = generated.substring(hash + 1);
        this.loader = new WeakReference<>(loader);
    }

    @Override
    public void write(Object[] args, AuditSink sink) {
        MethodHandle h = handle;
        if (h == null) {
            h = resolve();
        }
        try {
            h.invokeExact(args, sink);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t.getClass().getName());
        }
    }

    private synchronized MethodHandle resolve() {
        if (handle != null) {
            return handle;
        }
        if (unresolvable != null) {
            throw new GuardUnavailableException(guard, unresolvable);
        }
        try {
            Class<?> type = Class.forName(className, false, loader.get());
            handle = MethodHandles.publicLookup().findStatic(type, method, CAPTURE);
            return handle;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            unresolvable = "its generated argument capture " + className + "#" + method + " cannot be used ("
                    + e.getClass().getName() + "): recompile the class with the same Bulwark processor";
            Log.error("@Audited on " + guard + ": " + unresolvable + "; every call is refused");
            throw new GuardUnavailableException(guard, unresolvable);
        }
    }
}
