package io.bulwark.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the public API ({@code io.bulwark.*} at the agent jar's root: the annotations, {@code Caller}, the
 * exceptions, the dispatch bridge) in the bootstrap class loader, so that every class loader of the application and
 * the agent's isolated loader share one copy, found first by parent delegation.
 *
 * <p>Why not {@link Instrumentation#appendToBootstrapClassLoaderSearch}, which would do the same in one call: with a
 * jar appended, the JVM shares archived (CDS) classes of the bootstrap loader only, no longer those of the platform
 * and application loaders, and warns about it on every start ("Sharing is only supported for boot loader classes
 * because bootstrap classpath has been appended"); and every class any loader of the application loads is first
 * looked up in that jar (class loaders ask their parents first). Measured on this project's 2-core machine (41
 * interleaved rounds of the startup benchmark's application): this costs premain 15-20 ms (opening the package runs
 * JDK code that spins lambdas; then the definitions), and saves about 20 ms of loading the application's 5,000
 * classes. A wash there; a gain for larger applications, since the saving is per class loaded; and no warning.
 *
 * <p>How: {@code jdk.internal.misc.Unsafe.defineClass} with no loader, the bootstrap loader, after exporting its
 * package through {@link Instrumentation#redefineModule} (the supported way for an agent to reach an internal
 * package) to this class's module only: the unnamed module of the agent's isolated loader, which holds nothing but
 * Bulwark's own code. (Not from the boot classes, which the system loader defines: their module is the application's
 * class path, which would then reach the JDK's internals too.) The method is in JDK 17 through 25, the JDKs this
 * project builds and tests on; where it is not, the jar is appended as before, so a later JDK loses a little speed,
 * never the guards.
 *
 * <p>Runs before anything in the isolated loader touches the API (which it finds only through its parents), and so
 * uses JDK classes only.
 */
public final class BootstrapApi {

    private static final String API = "io/bulwark/";
    private static final String BOOT = "io/bulwark/agent/";
    private static final String CLASS = ".class";
    private static final String MODULE = "io.bulwark";

    private BootstrapApi() {
    }

    /** Why the API is not in its named module, or null: for the startup log. */
    private static String unnamed;

    /**
     * Null when the API is in its named module {@code io.bulwark}, else why not (the guards work, but the dispatch
     * bridge can be reached by reflection): for the log.
     */
    public static String unnamedReason() {
        return unnamed;
    }

    /** Puts the API classes of {@code jar} in the bootstrap loader, by definition or else by appending the jar. */
    public static void install(JarFile jar, Instrumentation instrumentation) throws IOException {
        Method define;
        Object unsafe;
        try {
            Module self = BootstrapApi.class.getModule();
            instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of("jdk.internal.misc", Set.of(self), "jdk.internal.module", Set.of(self)), Map.of(), Set.of(),
                    Map.of());
            Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
            unsafe = type.getMethod("getUnsafe").invoke(null);
            define = type.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            instrumentation.appendToBootstrapClassLoaderSearch(jar);
            unnamed = "this JDK has no jdk.internal.misc.Unsafe.defineClass (" + e + "), so the API was appended to "
                    + "the bootstrap class path, in no named module";
            return;
        }
        List<JarEntry> pending = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
            JarEntry entry = entries.nextElement();
            String name = entry.getName();
            if (name.startsWith(API) && !name.startsWith(BOOT) && name.endsWith(CLASS)) {
                pending.add(entry);
                packages.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
            }
        }
        unnamed = defineModule(packages);
        // A class is defined after its superclass and interfaces: those the bootstrap loader cannot find yet make the
        // definition fail (NoClassDefFoundError, nothing defined), and it is tried again after the others.
        while (!pending.isEmpty()) {
            List<JarEntry> later = new ArrayList<>();
            NoClassDefFoundError missing = null;
            for (JarEntry entry : pending) {
                byte[] bytes;
                try (InputStream in = jar.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                String name = entry.getName();
                name = name.substring(0, name.length() - CLASS.length()).replace('/', '.');
                try {
                    define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
                } catch (InvocationTargetException e) {
                    if (!(e.getCause() instanceof NoClassDefFoundError notYet)) {
                        throw new IllegalStateException("cannot define " + name + " in the bootstrap loader",
                                e.getCause());
                    }
                    missing = notYet;
                    later.add(entry);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot define " + name + " in the bootstrap loader", e);
                }
            }
            if (later.size() == pending.size()) {
                throw new IllegalStateException(later.size() + " API classes cannot be defined in the bootstrap "
                        + "loader, the first for want of " + missing.getMessage(), missing);
            }
            pending = later;
        }
    }

    /**
     * Defines the named module {@code io.bulwark} (the annotations jar's Automatic-Module-Name) in the bootstrap loader
     * before any API class is, so that the classes defined next in its packages belong to it. It exports every package
     * and opens none: the dispatch bridge's private state is then out of reach of {@code setAccessible} and
     * {@code privateLookupIn} from any other module (the application's included), where the bootstrap loader's unnamed
     * module is open to all. {@code jdk.internal.module.Modules} is how the JDK itself makes modules outside a layer;
     * it is in JDK 9 through 25. Should it fail, the API is defined in the unnamed module as before (and the log says
     * so): the guards work either way.
     *
     * @return null, or why the module could not be made
     */
    private static String defineModule(Set<String> packages) {
        try {
            Class<?> modules = Class.forName("jdk.internal.module.Modules");
            ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE).packages(packages).build();
            Module module = (Module) modules.getMethod("defineModule", ClassLoader.class, ModuleDescriptor.class,
                    URI.class).invoke(null, null, descriptor, null);
            modules.getMethod("addReads", Module.class, Module.class).invoke(null, module, Object.class.getModule());
            Method export = modules.getMethod("addExports", Module.class, String.class);
            for (String name : packages) {
                export.invoke(null, module, name);
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException t && t.getCause() != null ? t.getCause() : e;
            return "the named module " + MODULE + " could not be defined (" + cause + ")";
        }
    }
}
