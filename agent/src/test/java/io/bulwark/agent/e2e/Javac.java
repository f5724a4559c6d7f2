package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles sources at test time, without Bulwark's processor: classes as a build that does not use it makes them. */
final class Javac {

    private Javac() {
    }

    /**
     * @param options extra javac options ({@code -g:none}, {@code -parameters})
     * @param sources file name to source text
     * @return the directory of the compiled classes
     */
    static Path compile(Path dir, List<String> options, String... sources) throws IOException {
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-proc:none", "--release", "17", "-d", classes.toString(), "-cp",
                String.join(File.pathSeparator, ForkedJvm.ANNOTATIONS_JAR.toString(),
                        ForkedJvm.TEST_CLASSES.toString())));
        args.addAll(options);
        for (int i = 0; i < sources.length; i += 2) {
            Path file = src.resolve(sources[i]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, sources[i + 1]);
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        int status = javac.run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, status, "javac failed: " + diagnostics);
        return classes;
    }

    /** A source from the test resources ({@code sources/<name>}). */
    static String resource(String name) throws IOException {
        try (InputStream in = Javac.class.getClassLoader().getResourceAsStream("sources/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
