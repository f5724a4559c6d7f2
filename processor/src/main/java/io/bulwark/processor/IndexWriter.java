package io.bulwark.processor;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Filer;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes {@code META-INF/bulwark/index/<binary class name>}: the class's guarded methods, one self-contained line
 * each, sorted, after a format version line.
 *
 * <pre>
 * # bulwark-index 1
 * com.acme.Auth login (Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String; RateLimited keys=com.acme.Auth_BulwarkKeys:key0,-
 * </pre>
 *
 * <p>One file per class, not one per compilation: an isolating processor (Gradle's incremental compilation) may
 * only write files that come from one class, and per-class files merge into any jar without a collision. The agent
 * looks a class up by name in its own class loader, so a class that has no file is never parsed.
 */
final class IndexWriter {

    static final String DIRECTORY = "META-INF/bulwark/index/";
    static final String VERSION_LINE = "# bulwark-index 1";

    private final Elements elements;
    private final Filer filer;

    IndexWriter(Elements elements, Filer filer) {
        this.elements = elements;
        this.filer = filer;
    }

    void write(TypeElement type, List<GuardedMethod> methods, Map<GuardedMethod, String[]> extractors,
            String generatedClass) throws IOException {
        String binary = elements.getBinaryName(type).toString();
        List<String> lines = new ArrayList<>();
        for (GuardedMethod method : methods) {
            StringBuilder line = new StringBuilder(binary).append(' ').append(method.name()).append(' ')
                    .append(method.descriptor()).append(" RateLimited");
            String[] keys = extractors.get(method);
            boolean any = false;
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < keys.length; i++) {
                names.append(i == 0 ? "" : ",").append(keys[i] == null ? "-" : keys[i]);
                any |= keys[i] != null;
            }
            if (any) {
                line.append(" keys=").append(generatedClass).append(':').append(names);
            }
            lines.add(line.toString());
        }
        lines.sort(null);
        FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "", DIRECTORY + binary, type);
        try (Writer out = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
            out.write(VERSION_LINE + "\n");
            for (String line : lines) {
                out.write(line + "\n");
            }
        }
    }
}
