package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import io.bulwark.runtime.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private final boolean requireWoven;
    /** Classes woven by the fallback, by name: each is reported once, not once per loader or retransformation. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    ClassWeaver(GuardPlanner guards, Instrumentation instrumentation, boolean requireWoven) {
        this.guards = guards;
        this.instrumentation = instrumentation;
        this.requireWoven = requireWoven;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        String name = internalName.replace('/', '.');
        try {
            // The gate hands over indexed classes, and with the fallback classes whose constant pool names a guard.
            boolean indexed = GuardIndex.lists(loader, name, domain);
            if (!indexed && !ClassFile.read(name, bytes, false).declaresGuards()) {
                return null;
            }
            GuardPlanner.Woven woven = guards.weave(ClassFile.read(name, bytes, true), bytes, loader, domain);
            if (woven == null) {
                return null;
            }
            readDispatch(module);
            Log.debug("woven " + name + (redefined == null ? "" : " (retransformed)"));
            if (!indexed && reported.add(name)) {
                Log.warn(name + " carries Bulwark guards but is not in the processor's index (compiled without "
                        + "bulwark-processor): woven from its class file, " + woven.describe() + ". Add "
                        + "bulwark-processor to the compiler's annotation processor path (see the README): it checks "
                        + "the declarations when you compile, and the agent need not parse the class");
            }
            return woven.bytes();
        } catch (Throwable t) {
            return failed(name, loader, redefined, domain, bytes, t);
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
        if (entries == null) {
            return false;
        }
        for (GuardIndex.Entry entry : entries.values()) {
            if (entry.kinds().contains("Requires2FA")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The JVM ignores a transformer's exceptions and defines the class as it is. With {@code bulwark.require-woven},
     * or when it has a {@code @Requires2FA} method, a class that may carry guards (indexed, or naming a guard in its
     * constant pool) and could not be woven is answered with bytes that are no class, so that its definition fails
     * and none of its guarded methods can run. (A class already loaded cannot be taken back: reported only.)
     */
    private byte[] failed(String name, ClassLoader loader, Class<?> redefined, ProtectionDomain domain, byte[] bytes,
            Throwable t) {
        Log.error("could not weave " + name + "; if it declares guarded methods, they run UNGUARDED (" + t + ")");
        if (redefined != null) {
            return null;
        }
        boolean indexed = GuardIndex.lists(loader, name, domain);
        // Only a guard's descriptor found counts: an unreadable constant pool says nothing about guards.
        int named = indexed ? 0 : GuardDescriptors.named(bytes) & ~GuardDescriptors.UNREADABLE;
        boolean stepUp = indexed ? requiresStepUp(loader, name, domain)
                : (named & GuardDescriptors.REQUIRES_2FA) != 0;
        if ((indexed || named != 0) && (requireWoven || stepUp)) {
            Log.error(name + (indexed ? " is listed in the Bulwark index" : " names Bulwark guards") + " but could "
                    + "not be woven, and " + (requireWoven ? "bulwark.require-woven is set" : "it has methods that "
                    + "require a second factor") + ": the class is refused, so that none of its guarded methods runs "
                    + "unguarded");
            return NOT_A_CLASS;
        }
        return null;
    }
}
