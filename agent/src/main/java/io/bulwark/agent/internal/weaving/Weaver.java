package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the weaving in two steps: in premain, the {@link Gate} (JDK classes only, a millisecond); on a
 * background thread, the {@link ClassWeaver}, which the gate then delegates to. Guarded classes loaded in between wait
 * for the weaver. When a class that may carry guards was loaded even before premain (another agent loaded it),
 * everything is done in premain instead: that class must be retransformed before the application can call it.
 */
public final class Weaver {

    /** sysexits.h EX_SOFTWARE, as when premain fails: the JVM does not run with guards that could not be set up. */
    private static final int EXIT_SOFTWARE = 70;

    private Weaver() {
    }

    public static void install(Instrumentation instrumentation, Settings settings, GuardRegistry guards) {
        ClassNames names = new ClassNames(settings.scanPackages());
        List<Class<?>> loadedBefore = candidates(instrumentation, names, settings.scanAnnotations());
        Gate gate = new Gate(names, settings.scanAnnotations());
        if (!loadedBefore.isEmpty()) {
            gate.open(WeaverSetup.build(settings, guards, instrumentation));
            instrumentation.addTransformer(gate, true);
            WeaverSetup.retransform(instrumentation, loadedBefore);
            return;
        }
        instrumentation.addTransformer(gate, true);
        // A class, not a lambda: premain spins no classes at run time (see "Agent startup" in benchmarks/README.md).
        Thread setup = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    gate.open(WeaverSetup.build(settings, guards, instrumentation));
                } catch (Throwable t) {
                    gate.fail(t);
                    Log.error("the weaver could not be set up; the JVM will not run unguarded (set "
                            + "bulwark.enabled=false to run without Bulwark): " + t);
                    t.printStackTrace();
                    Runtime.getRuntime().halt(EXIT_SOFTWARE);
                }
            }
        }, "bulwark-weaver-setup");
        setup.setDaemon(true);
        setup.start();
    }

    /**
     * For the startup line: how many methods the processor's index on the class path guards, per kind, and how the
     * classes it does not list are treated.
     */
    public static String describeGuards(Settings settings) {
        int[] counts = GuardIndex.countOnClassPath(System.getProperty("java.class.path"));
        String indexed = counts[0] + " guarded method" + (counts[0] == 1 ? "" : "s") + " in the processor's index on "
                + "the class path (" + GuardPlanner.describe(counts[1], counts[2], counts[3]) + ")";
        if (!settings.scanAnnotations()) {
            return indexed + "; bulwark.scan=index: classes compiled without bulwark-processor are NOT guarded";
        }
        return indexed + ", and classes compiled without bulwark-processor" + (settings.scanPackages().isEmpty() ? ""
                : " in " + String.join(", ", settings.scanPackages())) + ", found by their class files as they load "
                + "and each logged by name";
    }

    /**
     * Classes already loaded that may carry guards: listed in the index of their code source, or (the fallback) in
     * the packages scanned and naming a guard in the constant pool of their class file.
     */
    private static List<Class<?>> candidates(Instrumentation instrumentation, ClassNames names, boolean fallback) {
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            ClassLoader loader = type.getClassLoader();
            if (loader == null || loader == ClassLoader.getPlatformClassLoader() || type.isArray()
                    || type.isHidden() || names.ignored(type.getName()) || !instrumentation.isModifiableClass(type)) {
                continue;
            }
            if (GuardIndex.lists(loader, type.getName(), type.getProtectionDomain())
                    || fallback && names.scanned(type.getName()) && namesGuards(loader, type.getName())) {
                candidates.add(type);
            }
        }
        return candidates;
    }

    /** Whether the class file of {@code name} names a guard; true when it cannot be read (retransforming tells). */
    private static boolean namesGuards(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null || GuardDescriptors.named(in.readAllBytes()) != 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }
}
