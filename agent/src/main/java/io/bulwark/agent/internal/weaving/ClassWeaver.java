package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import io.bulwark.runtime.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Weaves one class, handed over by the {@link Gate}: reads it from the bytes being defined, lets the
 * {@link GuardPlanner} register its guarded methods and weave them ({@link GuardWeaving}), and returns the new
 * bytes. Only code is changed, never members, so the same bytes serve a class being loaded and one being
 * retransformed.
 */
final class ClassWeaver implements ClassFileTransformer {

    private static final byte[] NOT_A_CLASS = {0};

    private final GuardPlanner guards;
    private final Instrumentation instrumentation;
    private final boolean scanAnnotations;
    private final boolean requireWoven;

    ClassWeaver(GuardPlanner guards, Instrumentation instrumentation, boolean scanAnnotations,
            boolean requireWoven) {
        this.guards = guards;
        this.instrumentation = instrumentation;
        this.scanAnnotations = scanAnnotations;
        this.requireWoven = requireWoven;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        String name = internalName.replace('/', '.');
        try {
            if (scanAnnotations && !GuardIndex.lists(loader, name, domain)
                    && !ClassFile.read(name, bytes, false).declaresGuards()) {
                return null;
            }
            byte[] result = guards.weave(ClassFile.read(name, bytes, true), bytes, loader, domain);
            if (result == null) {
                return null;
            }
            readDispatch(module);
            Log.debug("woven " + name + (redefined == null ? "" : " (retransformed)"));
            return result;
        } catch (Throwable t) {
            return failed(name, loader, redefined, domain, t);
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        return transform(null, loader, internalName, redefined, domain, bytes);
    }

    /**
     * Woven code calls {@link Dispatch}, in the bootstrap loader's unnamed module; a class of a named module reads
     * only what its module declares, so the read edge is added (what an {@code --add-reads} would do).
     */
    private void readDispatch(Module module) {
        Module bridge = Dispatch.class.getModule();
        if (module != null && module.isNamed() && !module.canRead(bridge)) {
            instrumentation.redefineModule(module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    /** Whether the index lists a {@code @Requires2FA} method of the class: those are refused unless woven. */
    private static boolean requiresStepUp(ClassLoader loader, String name, ProtectionDomain domain) {
        Map<String, GuardIndex.Entry> entries = GuardIndex.read(loader, name, domain);
        return entries != null && entries.values().stream().anyMatch(e -> e.kinds().contains("Requires2FA"));
    }

    /**
     * The JVM ignores a transformer's exceptions and defines the class as it is. With {@code bulwark.require-woven},
     * or when it has a {@code @Requires2FA} method, an indexed class that could not be woven is answered with bytes
     * that are no class, so that its definition fails and none of its guarded methods can run. (A class already
     * loaded cannot be taken back: reported only.)
     */
    private byte[] failed(String name, ClassLoader loader, Class<?> redefined, ProtectionDomain domain, Throwable t) {
        Log.error("could not weave " + name + "; if it declares guarded methods, they run UNGUARDED (" + t + ")");
        if (redefined == null && GuardIndex.lists(loader, name, domain)
                && (requireWoven || requiresStepUp(loader, name, domain))) {
            Log.error(name + " is listed in the Bulwark index but could not be woven, and " + (requireWoven
                    ? "bulwark.require-woven is set" : "it has methods that require a second factor")
                    + ": the class is refused, so that none of its guarded methods runs unguarded");
            return NOT_A_CLASS;
        }
        return null;
    }
}
