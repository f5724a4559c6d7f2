package io.bulwark.runtime.key;

import io.bulwark.GuardUnavailableException;
import io.bulwark.rules.key.TypeModel;
import io.bulwark.runtime.log.Log;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Reads {@code request.user.id} from an argument through method handles.
 *
 * <p>The handles are made on first use, not at weave time: when the guarded class is being woven its loader is
 * still defining it, and loading the property types from inside a transformer risks class-circularity
 * errors. Resolution happens once; a failure is remembered and every call is refused with the same reason.
 */
final class PropertyChain {

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    private final String guard;
    private final String path;
    private final List<TypeModel.Accessor> steps;
    /** Weak: a guard must not keep an undeployed application's class loader alive. */
    private final WeakReference<ClassLoader> loader;
    private volatile MethodHandle[] handles;
    private volatile String unresolvable;

    PropertyChain(String guard, String path, List<TypeModel.Accessor> steps, ClassLoader loader) {
        this.guard = guard;
        this.path = path;
        this.steps = List.copyOf(steps);
        this.loader = new WeakReference<>(loader);
    }

    Object read(Object root) {
        MethodHandle[] hs = handles;
        if (hs == null) {
            hs = resolve();
        }
        Object value = root;
        for (MethodHandle h : hs) {
            if (value == null) {
                return null;
            }
            try {
                value = (Object) h.invokeExact(value);
            } catch (Throwable t) {
                // The type only: an exception message may quote the very data the key is made of.
                throw new GuardUnavailableException(guard, "reading {" + path + "} for its key threw "
                        + t.getClass().getName());
            }
        }
        return value;
    }

    private MethodHandle[] resolve() {
        String failure = unresolvable;
        if (failure != null) {
            throw new GuardUnavailableException(guard, failure);
        }
        MethodHandle[] resolved = new MethodHandle[steps.size()];
        TypeModel.Accessor step = null;
        try {
            for (int i = 0; i < resolved.length; i++) {
                step = steps.get(i);
                Class<?> owner = Class.forName(step.declaringType(), false, loader.get());
                Method accessor = owner.getMethod(step.name());
                // Public methods of non-public classes (a package-private record) still need this.
                accessor.setAccessible(true);
                resolved[i] = MethodHandles.lookup().unreflect(accessor).asType(GETTER);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            String reason = "cannot read {" + path + "} for its key: " + step.declaringType() + "." + step.name()
                    + "() is not accessible (" + e.getClass().getName() + ")";
            unresolvable = reason;
            Log.error("guard '" + guard + "' " + reason + "; every call is refused");
            throw new GuardUnavailableException(guard, reason);
        }
        handles = resolved;
        return resolved;
    }
}
