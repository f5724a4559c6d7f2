package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processor's index, one resource per guarded class: {@code META-INF/bulwark/index/<binary class name>}, looked
 * up in the class's own loader. Looking a name up costs a hash probe per class-path entry; parsing a class file,
 * which is what the index spares every unguarded class, costs a hundred times more.
 */
final class GuardIndex {

    static final String DIRECTORY = "META-INF/bulwark/index/";
    static final String VERSION_LINE = "# bulwark-index 1";

    /** One line: a guarded method, and per {@code @RateLimited} its generated key extractor ({@code -} for none). */
    record Entry(String method, String descriptor, String extractorClass, List<String> extractors) {

        /** {@code com.acme.Auth_BulwarkKeys#key0}, or null. */
        String extractor(int i) {
            return extractorClass == null || i >= extractors.size() || extractors.get(i).equals("-") ? null
                    : extractorClass + "#" + extractors.get(i);
        }
    }

    private GuardIndex() {
    }

    /** Whether {@code loader} has an index entry for {@code className}. */
    static boolean lists(ClassLoader loader, String className) {
        return loader != null && loader.getResource(DIRECTORY + className) != null;
    }

    /** The entries for {@code className}, by {@code name + descriptor}; null when it has no index resource. */
    static Map<String, Entry> read(ClassLoader loader, String className) {
        URL resource = loader == null ? null : loader.getResource(DIRECTORY + className);
        if (resource == null) {
            return null;
        }
        String text;
        try (InputStream in = resource.openStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            Log.error("cannot read the Bulwark index entry " + resource + ": " + e);
            return Map.of();
        }
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
            for (int i = 4; i < fields.length; i++) {
                if (fields[i].startsWith("keys=") && fields[i].indexOf(':') > 0) {
                    String value = fields[i].substring("keys=".length());
                    extractorClass = value.substring(0, value.indexOf(':'));
                    extractors = new ArrayList<>(Arrays.asList(value.substring(value.indexOf(':') + 1).split(",")));
                }
            }
            entries.put(fields[1] + fields[2], new Entry(fields[1], fields[2], extractorClass, extractors));
        }
        return entries;
    }
}
