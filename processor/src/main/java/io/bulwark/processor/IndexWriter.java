package io.bulwark.processor;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Filer;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes {@code META-INF/bulwark/index/<binary class name>}: the class's guarded methods, one self-contained line
 * each, sorted, after a format version line (each method is one line in the file; wrapped here, the indented part
 * continues the line above after one space):
 *
 * <pre>
 * # bulwark-index 1
 * com.acme.Auth login (Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String; RateLimited
 *     keys=com.acme.Auth_BulwarkKeys:key0,-
 * com.acme.Bank transfer (Lcom/acme/Transfer;)V RateLimited,Audited keys=com.acme.Bank_BulwarkKeys:key1
 *     audit=com.acme.Bank_BulwarkKeys:res0,-,args0
 * </pre>
 *
 * <p>After the descriptor: the guards the processor checked, then, where it generated extractors, {@code keys=} (one
 * per {@code @RateLimited}, in order) and {@code audit=} (resource id, resource name, argument capture); {@code -}
 * where the runtime's own is used. A reader skips attributes it does not know.
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

    /** {@code  keys=com.acme.Auth_BulwarkKeys:key0,-}, when any of {@code names} was generated. */
    private static void attribute(StringBuilder line, String attribute, String className, String[] names) {
        if (names == null) {
            return;
        }
        boolean any = false;
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            list.append(i == 0 ? "" : ",").append(names[i] == null ? "-" : names[i]);
            any |= names[i] != null;
        }
        if (any) {
            line.append(' ').append(attribute).append('=').append(className).append(':').append(list);
        }
    }

    void write(TypeElement type, List<GuardedMethod> methods, ExtractorsWriter.Generated generated)
            throws IOException {
        String binary = elements.getBinaryName(type).toString();
        List<String> lines = new ArrayList<>();
        for (GuardedMethod method : methods) {
            StringBuilder line = new StringBuilder(binary).append(' ').append(method.name()).append(' ')
                    .append(method.descriptor()).append(' ').append(method.kinds());
            attribute(line, "keys", generated.className(), generated.keys().get(method));
            attribute(line, "audit", generated.className(), generated.audit().get(method));
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
