package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Reading {@link GuardIndex}'s files: listing which classes a code source (a directory, a jar, a Spring Boot nested
 * jar) indexes, reading one class's entry beside it, and parsing an entry's lines. No caching here: what is listed
 * is kept by {@link GuardIndex}. Runs while classes load, so plain loops and {@code java.io}, no lambdas or streams.
 */
final class IndexFiles {

    private IndexFiles() {
    }

    static Optional<Set<String>> listNested(URL location) {
        String spec = location.toExternalForm();
        try {
            int separator = spec.indexOf("/!");
            if (separator < 0 || !spec.endsWith("!/")) {
                return Optional.empty();
            }
            // Boot writes the outer path percent-encoded, as a URI path.
            Path outer = Path.of(URI.create("file:" + spec.substring(GuardIndex.BOOT_NESTED.length(), separator)));
            String entry = spec.substring(separator + 2, spec.length() - 2);
            Set<String> names = new HashSet<>();
            if (entry.endsWith("/")) {
                try (JarFile jar = new JarFile(outer.toFile(), false)) {
                    collect(jar, entry + GuardIndex.DIRECTORY, names);
                    collect(jar, GuardIndex.DIRECTORY, names);
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
                    collect(jar, GuardIndex.DIRECTORY, names);
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

    /** The classes a directory or jar indexes, or empty when it cannot be listed. */
    static Optional<Set<String>> list(URL location) {
        try {
            Path path = Path.of(location.toURI());
            Set<String> names = new HashSet<>();
            if (Files.isDirectory(path)) {
                // java.io rather than a DirectoryStream: that would load a dozen classes no other start-up code does.
                File index = path.resolve(GuardIndex.DIRECTORY).toFile();
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
                    collect(jar, GuardIndex.DIRECTORY, names);
                }
                return Optional.of(names);
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            Log.debug("cannot list " + location + " for the Bulwark index (" + e + "); looking classes up one by one");
        }
        return Optional.empty();
    }

    /** The entry's text from the file code source of {@code domain}, or null when it is not there. */
    static String readBeside(String className, ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        try {
            Path path = Path.of(location.toURI());
            if (Files.isDirectory(path)) {
                File entry = path.resolve(GuardIndex.DIRECTORY + className).toFile();
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
                    JarEntry entry = jar.getJarEntry(GuardIndex.DIRECTORY + className);
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

    static Map<String, GuardIndex.Entry> parse(String className, String text, String resource) {
        Map<String, GuardIndex.Entry> entries = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!line.equals(GuardIndex.VERSION_LINE)) {
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
            entries.put(fields[1] + fields[2], new GuardIndex.Entry(fields[1], fields[2], Set.of(fields[3].split(",")),
                    extractorClass, extractors, auditClass, auditExtractors));
        }
        return entries;
    }
}
