package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Which classes the annotation scan looks at. The name filter runs first and costs a few string comparisons;
 * only classes that pass it are parsed to look for {@code @RateLimited}.
 */
final class ScanFilter {

    static final String RATE_LIMITED = "io.bulwark.RateLimited";
    static final String RATE_LIMITED_LIST = "io.bulwark.RateLimited$List";

    /** The JDK's own packages and Bulwark's, which never carry guards. */
    private static final List<String> NEVER = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.bulwark.agent.boot.", "io.bulwark.agent.internal.", "io.bulwark.runtime.", "io.bulwark.shaded.",
            "io.bulwark.internal.");

    private final List<String> packages;

    /** @param packages prefixes ending in '.', from {@code bulwark.scan.packages}; empty to scan everything */
    ScanFilter(List<String> packages) {
        this.packages = packages;
    }

    /** Types never to look at: by name, and synthetic ones (lambdas' hidden classes, proxies). */
    ElementMatcher.Junction<TypeDescription> ignored() {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                return ignores(type.getName());
            }
        }.or(isSynthetic());
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

    static ElementMatcher<TypeDescription> declaresGuardedMethod() {
        return declaresMethod(guarded());
    }

    static ElementMatcher.Junction<MethodDescription> guarded() {
        return isAnnotatedWith(named(RATE_LIMITED)).or(isAnnotatedWith(named(RATE_LIMITED_LIST)));
    }
}
