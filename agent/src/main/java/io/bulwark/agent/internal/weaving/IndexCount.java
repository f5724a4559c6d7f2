package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/** Counting the guarded methods {@link GuardIndex} lists on the class path, for the agent's startup line. */
final class IndexCount {

    private IndexCount() {
    }

    /**
     * How many methods the index on {@code classPath} (the {@code java.class.path} entries) lists, per guard kind:
     * {@code [methods, @RateLimited, @Audited, @Requires2FA]}, for the startup line. Each entry's listing is kept for
     * the gate, which would list it anyway on the first class loaded from it. Jars named by a manifest's
     * {@code Class-Path} and libraries nested in a Spring Boot jar are not counted (an application's own classes in
     * a Boot jar are: the repackager moves their index to the jar's root).
     */
    static int[] onClassPath(String classPath) {
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
                File index = new File(entry, GuardIndex.DIRECTORY);
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
                        if (name.startsWith(GuardIndex.DIRECTORY) && name.length() > GuardIndex.DIRECTORY.length()
                                && name.indexOf('/', GuardIndex.DIRECTORY.length()) < 0) {
                            try (InputStream in = jar.getInputStream(e)) {
                                count(new String(in.readAllBytes(), StandardCharsets.UTF_8), counts);
                            }
                            names.add(name.substring(GuardIndex.DIRECTORY.length()).replace('.', '/'));
                        }
                    }
                }
            } else {
                return;
            }
            // The URL the JDK's class path loader gives the entry's classes as their code source.
            GuardIndex.keepListing(entry.getCanonicalFile().toURI().toURL().toExternalForm(), Optional.of(names));
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
}
