package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.security.ProtectionDomain;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Which classes are woven. First, by name only: never the JDK's or Bulwark's own. Then the processor's index, a
 * resource lookup in the class's loader. Only with {@code bulwark.scan=annotations} is any other class parsed, to
 * look for {@code @RateLimited} on its methods (classes compiled without the processor).
 *
 * <p>Everything before the scan must stay name-based: Byte Buddy describes a class lazily, and asking anything but
 * its name (its modifiers, say) parses the class file.
 */
final class ScanFilter {

    static final String RATE_LIMITED = "io.bulwark.RateLimited";
    static final String RATE_LIMITED_LIST = "io.bulwark.RateLimited$List";

    /** The JDK's own packages and Bulwark's, which never carry guards. */
    private static final List<String> NEVER = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.bulwark.agent.boot.", "io.bulwark.agent.internal.", "io.bulwark.runtime.", "io.bulwark.shaded.",
            "io.bulwark.internal.");

    private final List<String> packages;
    private final boolean scanAnnotations;

    /**
     * @param packages        prefixes ending in '.', from {@code bulwark.scan.packages}; empty for everything
     * @param scanAnnotations {@code bulwark.scan=annotations}
     */
    ScanFilter(List<String> packages, boolean scanAnnotations) {
        this.packages = packages;
        this.scanAnnotations = scanAnnotations;
    }

    /** Classes never to look at, by name alone. */
    ElementMatcher.Junction<TypeDescription> ignored() {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                return ignores(type.getName());
            }
        };
    }

    boolean ignores(String name) {
        for (String prefix : NEVER) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        // The public API itself: io.bulwark.X, io.bulwark.X$Y, but not the application's io.bulwark.samples.*.
        if (name.startsWith("io.bulwark.") && name.indexOf('.', "io.bulwark.".length()) < 0) {
            return true;
        }
        if (packages.isEmpty()) {
            return false;
        }
        for (String prefix : packages) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }

    /** The classes to weave: listed in the index, or (scan mode) declaring a guarded method. */
    AgentBuilder.RawMatcher selected() {
        ElementMatcher<TypeDescription> scanned = declaresMethod(guarded());
        return (TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined,
                ProtectionDomain domain) -> GuardIndex.lists(loader, type.getName())
                || scanAnnotations && !type.isSynthetic() && scanned.matches(type);
    }

    static ElementMatcher.Junction<MethodDescription> guarded() {
        return isAnnotatedWith(named(RATE_LIMITED)).or(isAnnotatedWith(named(RATE_LIMITED_LIST)));
    }
}
