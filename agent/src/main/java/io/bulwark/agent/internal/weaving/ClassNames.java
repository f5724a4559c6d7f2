package io.bulwark.agent.internal.weaving;

import java.util.List;

/**
 * Which class names never carry guards (the JDK's, Bulwark's own), and which ones the fallback for classes the
 * processor's index does not list looks at ({@code bulwark.scan.packages}). Names only, no class file: the start-up
 * gate asks this for every class loaded. The packages never narrow the index: a class it lists is woven wherever it is.
 */
final class ClassNames {

    private static final List<String> NEVER = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.bulwark.agent.boot.", "io.bulwark.agent.internal.", "io.bulwark.runtime.", "io.bulwark.shaded.",
            "io.bulwark.internal.", "io.bulwark.rules.");

    private final List<String> packages;

    /** @param packages prefixes ending in '.', from {@code bulwark.scan.packages}; empty for everything */
    ClassNames(List<String> packages) {
        this.packages = packages;
    }

    boolean ignored(String name) {
        for (String prefix : NEVER) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        // The public API itself: io.bulwark.X, io.bulwark.X$Y, but not the application's io.bulwark.samples.*.
        return name.startsWith("io.bulwark.") && name.indexOf('.', "io.bulwark.".length()) < 0;
    }

    /** Whether the fallback (classes the index does not list) looks at {@code name}. */
    boolean scanned(String name) {
        if (packages.isEmpty()) {
            return true;
        }
        for (String prefix : packages) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
