package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

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
 */
final class GuardIndex {

    static final String DIRECTORY = "META-INF/bulwark/index/";
    static final String VERSION_LINE = "# bulwark-index 1";
    /** Spring Boot 3.2+: {@code jar:nested:/path/app.jar/!BOOT-INF/lib/lib.jar!/}, {@code ...!BOOT-INF/classes/!/}. */
    private static final String BOOT_NESTED = "jar:nested:";

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
                listed = list(location);
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
                listed = listNested(location);
                BY_LOCATION.putIfAbsent(key, listed);
            }
            if (listed.isPresent()) {
                lastListing = new Listing(domain, listed.get());
                return listed.get().contains(internalName);
            }
        }
        return loader.getResource(DIRECTORY + className) != null;
    }

    private static Optional<Set<String>> listNested(URL location) {
        String spec = location.toExternalForm();
        try {
            int separator = spec.indexOf("/!");
            if (separator < 0 || !spec.endsWith("!/")) {
                return Optional.empty();
            }
            // Boot writes the outer path percent-encoded, as a URI path.
            Path outer = Path.of(URI.create("file:" + spec.substring(BOOT_NESTED.length(), separator)));
            String entry = spec.substring(separator + 2, spec.length() - 2);
            Set<String> names = new HashSet<>();
            if (entry.endsWith("/")) {
                try (JarFile jar = new JarFile(outer.toFile(), false)) {
                    collect(jar, entry + DIRECTORY, names);
                    collect(jar, DIRECTORY, names);
                }
            } else {
                // The code source's own URL carries Boot's handler, which opens nested jars.
                URLConnection connection = location.openConnection();
                if (!(connection instanceof JarURLConnection nested)) {
                    return Optional.empty();
                }
                // Uncached: closing a cached jar file would close it under the class loader that reads it.
                nested.setUseCaches(false);
                try (JarFile jar = nested.getJarFile()) {
                    collect(jar, DIRECTORY, names);
                }
            }
            Log.debug("listed " + names.size() + " Bulwark index entries for " + spec);
            return Optional.of(names);
        } catch (IOException | RuntimeException e) {
            Log.debug("cannot list " + spec + " for the Bulwark index (" + e + "); looking classes up one by one");
            return Optional.empty();
        }
    }

    private static void collect(JarFile jar, String directory, Set<String> names) {
        for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
            String name = entries.nextElement().getName();
            if (name.startsWith(directory) && name.length() > directory.length()
                    && name.indexOf('/', directory.length()) < 0) {
                names.add(name.substring(directory.length()).replace('.', '/'));
            }
        }
    }

    /**
     * How many methods the index on {@code classPath} (the {@code java.class.path} entries) lists, per guard kind:
     * {@code [methods, @RateLimited, @Audited, @Requires2FA]}, for the startup line. Each entry's listing is kept for
     * the gate, which would list it anyway on the first class loaded from it. Jars named by a manifest's
     * {@code Class-Path} and libraries nested in a Spring Boot jar are not counted (an application's own classes in
     * a Boot jar are: the repackager moves their index to the jar's root).
     */
    static int[] countOnClassPath(String classPath) {
        int[] counts = new int[4];
        if (classPath == null || classPath.isEmpty()) {
            return counts;
        }
        int start = 0;
        while (start <= classPath.length()) {
            int end = classPath.indexOf(File.pathSeparatorChar, start);
            end = end < 0 ? classPath.length() : end;
            if (end > start) {
                count(new File(classPath.substring(start, end)), counts);
            }
            start = end + 1;
        }
        return counts;
    }

    private static void count(File entry, int[] counts) {
        Set<String> names = new HashSet<>();
        try {
            if (entry.isDirectory()) {
                File index = new File(entry, DIRECTORY);
                String[] files = index.list();
                for (String f : files == null ? new String[0] : files) {
                    try (InputStream in = new FileInputStream(new File(index, f))) {
                        count(new String(in.readAllBytes(), StandardCharsets.UTF_8), counts);
                    }
                    names.add(f.replace('.', '/'));
                }
            } else if (entry.isFile()) {
                try (JarFile jar = new JarFile(entry, false)) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                        JarEntry e = entries.nextElement();
                        String name = e.getName();
                        if (name.startsWith(DIRECTORY) && name.length() > DIRECTORY.length()
                                && name.indexOf('/', DIRECTORY.length()) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                count(new String(in.readAllBytes(), StandardCharsets.UTF_8), counts);
                            }
                            names.add(name.substring(DIRECTORY.length()).replace('.', '/'));
                        }
                    }
                }
            } else {
                return;
            }
            // The URL the JDK's class path loader gives the entry's classes as their code source.
            BY_LOCATION.putIfAbsent(entry.getCanonicalFile().toURI().toURL().toExternalForm(), Optional.of(names));
        } catch (IOException | RuntimeException e) {
            Log.debug("cannot count the Bulwark index entries of " + entry + " (" + e + ")");
        }
    }

    /** Adds one entry's lines to {@code counts}: {@code class method descriptor Kind,Kind ...}. */
    private static void count(String text, int[] counts) {
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            end = end < 0 ? text.length() : end;
            String line = text.substring(at, end).strip();
            at = end + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int kinds = nthSpace(line, 3);
            if (kinds < 0) {
                continue;
            }
            int kindsEnd = line.indexOf(' ', kinds + 1);
            String field = line.substring(kinds + 1, kindsEnd < 0 ? line.length() : kindsEnd);
            counts[0]++;
            counts[1] += field.contains("RateLimited") ? 1 : 0;
            counts[2] += field.contains("Audited") ? 1 : 0;
            counts[3] += field.contains("Requires2FA") ? 1 : 0;
        }
    }

    private static int nthSpace(String line, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = line.indexOf(' ', at + 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }

    /** The classes a directory or jar indexes, or empty when it cannot be listed. */
    private static Optional<Set<String>> list(URL location) {
        try {
            Path path = Path.of(location.toURI());
            Set<String> names = new HashSet<>();
            if (Files.isDirectory(path)) {
                // java.io rather than a DirectoryStream: that would load a dozen classes no other start-up code does.
                File index = path.resolve(DIRECTORY).toFile();
                String[] files = index.list();
                if (files == null && index.exists()) {
                    throw new IOException(index + " cannot be listed");
                }
                for (String f : files == null ? new String[0] : files) {
                    names.add(f.replace('.', '/'));
                }
                return Optional.of(names);
            }
            if (Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile(), false)) {
                    collect(jar, DIRECTORY, names);
                }
                return Optional.of(names);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            Log.debug("cannot list " + location + " for the Bulwark index (" + e + "); looking classes up one by one");
        }
        return Optional.empty();
    }

    /**
     * The entries for {@code className}, by {@code name + descriptor}; null when it has no index resource. Read from
     * the class's own code source (the jar or directory {@code domain} names) when it has the entry: a resource
     * lookup on the class loader costs 0.5-1 ms (parent delegation through the JDK's modules; the first, some 8 ms),
     * once per guarded class. Otherwise, or for other code sources, the loader is asked.
     */
    static Map<String, Entry> read(ClassLoader loader, String className, ProtectionDomain domain) {
        String text = readBeside(className, domain);
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
        return parse(className, text, where);
    }

    /** The entry's text from the file code source of {@code domain}, or null when it is not there. */
    private static String readBeside(String className, ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        try {
            Path path = Path.of(location.toURI());
            if (Files.isDirectory(path)) {
                File entry = path.resolve(DIRECTORY + className).toFile();
                if (!entry.isFile()) {
                    return null;
                }
                // java.io rather than Files.readString: that would load NIO's file channels (some 25 classes).
                try (InputStream in = new FileInputStream(entry)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            if (Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile(), false)) {
                    JarEntry entry = jar.getJarEntry(DIRECTORY + className);
                    if (entry == null) {
                        return null;
                    }
                    try (InputStream in = jar.getInputStream(entry)) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            Log.debug("cannot read the Bulwark index entry of " + className + " beside it (" + e + "); asking its "
                    + "class loader");
        }
        return null;
    }

    private static Map<String, Entry> parse(String className, String text, String resource) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!line.equals(VERSION_LINE)) {
                    // A later format: its extractors may mean something else, so only the annotations are trusted.
                    Log.warn("unknown Bulwark index format in " + resource + " ('" + line + "'): its key extractors "
                            + "are not used");
                    return entries;
                }
                continue;
            }
            String[] fields = line.split(" ");
            if (fields.length < 4 || !fields[0].equals(className)) {
                Log.warn("malformed line in the Bulwark index entry " + resource + ": '" + line + "'");
                continue;
            }
            String extractorClass = null;
            List<String> extractors = List.of();
            String auditClass = null;
            List<String> auditExtractors = List.of();
            // Attributes this agent does not know are skipped: a newer processor may add some.
            for (int i = 4; i < fields.length; i++) {
                if (fields[i].startsWith("keys=") && fields[i].indexOf(':') > 0) {
                    String value = fields[i].substring("keys=".length());
                    extractorClass = value.substring(0, value.indexOf(':'));
                    extractors = new ArrayList<>(Arrays.asList(value.substring(value.indexOf(':') + 1).split(",")));
                } else if (fields[i].startsWith("audit=") && fields[i].indexOf(':') > 0) {
                    String value = fields[i].substring("audit=".length());
                    auditClass = value.substring(0, value.indexOf(':'));
                    auditExtractors = new ArrayList<>(
                            Arrays.asList(value.substring(value.indexOf(':') + 1).split(",")));
                }
            }
            entries.put(fields[1] + fields[2], new Entry(fields[1], fields[2], Set.of(fields[3].split(",")),
                    extractorClass, extractors, auditClass, auditExtractors));
        }
        return entries;
    }
}
