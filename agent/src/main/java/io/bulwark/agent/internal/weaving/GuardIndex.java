package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processor's index, one resource per guarded class: {@code META-INF/bulwark/index/<binary class name>}, written
 * beside the class (same output directory, same jar).
 *
 * <p>Asked for every class the JVM loads, so it must cost next to nothing. A resource lookup on the class loader
 * costs 15-35 µs (parent delegation, a file system probe per directory on the class path), which over 5,000 classes
 * is most of a startup budget. Instead, the class's own code source (the jar or directory it comes from, which the
 * JVM hands the transformer) is listed once, and every class from it is a set lookup. A code source that cannot be
 * listed (a custom URL) falls back to the loader's lookup, so nothing is missed for speed.
 *
 * <p>Spring Boot's executable jars (3.2 and later) load from {@code jar:nested:} code sources, where the loader's
 * lookup costs 0.4-1 ms a class (the Spring Boot sample: 3,566 classes, 1.4 s; listed, 0.1 s). Those are listed too:
 * a library nested in {@code BOOT-INF/lib/} through the connection of its own URL (Boot's handler, already in use
 * to load it), and the application's {@code BOOT-INF/classes/} from the outer jar, together with the outer jar's
 * root, where Boot's repackager moves the application's {@code META-INF} and so its index.
 *
 * <p>This class is the lookup and its caches; {@link IndexFiles} reads the files, {@link IndexCount} counts what the
 * class path indexes.
 */
final class GuardIndex {

    static final String DIRECTORY = "META-INF/bulwark/index/";
    static final String VERSION_LINE = "# bulwark-index 1";
    /** Spring Boot 3.2+: {@code jar:nested:/path/app.jar/!BOOT-INF/lib/lib.jar!/}, {@code ...!BOOT-INF/classes/!/}. */
    static final String BOOT_NESTED = "jar:nested:";

    /** Indexed classes (internal names) by code source URL; empty when the code source cannot be listed. */
    private static final Map<String, Optional<Set<String>>> BY_LOCATION = new ConcurrentHashMap<>();
    /** The listing of the domain asked about last (a file code source that could be listed), or null. */
    private static volatile Listing lastListing;

    /**
     * Weakly: a strong reference would keep the last class loader (an undeployed web application's) alive. The names
     * are internal ({@code com/acme/Auth}), as the JVM hands them to a transformer.
     */
    private record Listing(WeakReference<ProtectionDomain> domain, Set<String> names, long lengths) {

        Listing(ProtectionDomain domain, Set<String> names) {
            this(new WeakReference<>(domain), names, lengths(names));
        }

        /** Bit {@code n % 64} set when a name of length n is listed: most names are ruled out without a hash. */
        private static long lengths(Set<String> names) {
            long lengths = 0;
            for (String name : names) {
                lengths |= 1L << name.length();
            }
            return lengths;
        }
    }

    /**
     * One line: a guarded method, the guards the processor checked on it ({@code RateLimited,Audited}), per
     * {@code @RateLimited} its generated key extractor ({@code keys=Gen:key0,-}) and for {@code @Audited} its
     * generated resource id, resource name and argument capture ({@code audit=Gen:res0,-,args0}); {@code -} for none.
     */
    record Entry(String method, String descriptor, Set<String> kinds, String extractorClass, List<String> extractors,
            String auditClass, List<String> auditExtractors) {

        /** {@code com.acme.Auth_BulwarkKeys#key0}, or null. */
        String extractor(int i) {
            return named(extractorClass, extractors, i);
        }

        /** The generated resource id (0), resource name (1) or argument capture (2) of {@code @Audited}, or null. */
        String auditExtractor(int i) {
            return named(auditClass, auditExtractors, i);
        }

        private static String named(String className, List<String> names, int i) {
            return className == null || i >= names.size() || names.get(i).equals("-") ? null
                    : className + "#" + names.get(i);
        }
    }

    private GuardIndex() {
    }

    /**
     * The gate's fast path, before it does anything else with a class: false when {@code domain} is the code source
     * asked about last and its index does not list {@code internalName} ({@code com/acme/Auth}); true when it may.
     * A class loader hands every class of one jar or directory the same domain, and thousands of classes in a row
     * come from one code source: this answers for most of them without building a name, a URL's text or a hash.
     */
    static boolean mayList(String internalName, ProtectionDomain domain) {
        Listing last = lastListing;
        if (last == null || domain == null || last.domain.get() != domain) {
            return true;
        }
        // A shift by n shifts by n % 64.
        return (last.lengths & 1L << internalName.length()) != 0 && last.names.contains(internalName);
    }

    /** Whether {@code className}, defined by {@code loader} from {@code domain}'s code source, has an index entry. */
    static boolean lists(ClassLoader loader, String className, ProtectionDomain domain) {
        if (loader == null) {
            return false;
        }
        String internalName = className.replace('.', '/');
        Listing last = lastListing;
        if (last != null && domain != null && last.domain.get() == domain) {
            return last.names.contains(internalName);
        }
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location != null && "file".equals(location.getProtocol())) {
            // Not computeIfAbsent: its lambda would be the first of premain (the agent's own jar is looked up there).
            String key = location.toExternalForm();
            Optional<Set<String>> listed = BY_LOCATION.get(key);
            if (listed == null) {
                listed = IndexFiles.list(location);
                BY_LOCATION.putIfAbsent(key, listed);
            }
            if (listed.isPresent()) {
                lastListing = new Listing(domain, listed.get());
                return listed.get().contains(internalName);
            }
        } else if (location != null && location.toExternalForm().startsWith(BOOT_NESTED)) {
            String key = location.toExternalForm();
            Optional<Set<String>> listed = BY_LOCATION.get(key);
            if (listed == null) {
                // Not computeIfAbsent: listing runs Boot's code, whose classes load through this transformer and
                // may list their own code source, a recursive update that ConcurrentHashMap refuses.
                listed = IndexFiles.listNested(location);
                BY_LOCATION.putIfAbsent(key, listed);
            }
            if (listed.isPresent()) {
                lastListing = new Listing(domain, listed.get());
                return listed.get().contains(internalName);
            }
        }
        return loader.getResource(DIRECTORY + className) != null;
    }

    /** Keeps the listing of a code source (by its URL's text) that was listed elsewhere, unless one is kept. */
    static void keepListing(String location, Optional<Set<String>> names) {
        BY_LOCATION.putIfAbsent(location, names);
    }

    /** See {@link IndexCount#onClassPath}: {@code [methods, @RateLimited, @Audited, @Requires2FA]}. */
    static int[] countOnClassPath(String classPath) {
        return IndexCount.onClassPath(classPath);
    }

    /**
     * The entries for {@code className}, by {@code name + descriptor}; null when it has no index resource. Read from
     * the class's own code source (the jar or directory {@code domain} names) when it has the entry: a resource
     * lookup on the class loader costs 0.5-1 ms (parent delegation through the JDK's modules; the first, some 8 ms),
     * once per guarded class. Otherwise, or for other code sources, the loader is asked.
     */
    static Map<String, Entry> read(ClassLoader loader, String className, ProtectionDomain domain) {
        String text = IndexFiles.readBeside(className, domain);
        String where = DIRECTORY + className;
        if (text == null) {
            if (loader == null) {
                return null;
            }
            try (InputStream in = loader.getResourceAsStream(DIRECTORY + className)) {
                if (in == null) {
                    return null;
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                Log.error("cannot read the Bulwark index entry " + where + " of " + loader + ": " + e);
                return Map.of();
            }
        } else {
            where = domain.getCodeSource().getLocation() + " " + where;
        }
        return IndexFiles.parse(className, text, where);
    }
}
