package io.bulwark.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.bulwark.RateLimited;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guards are not inherited: an override without the guard of the method it overrides is a compile error. */
class OverrideCheckTest {

    private static final String MESSAGE = "without the same guard: guards are not inherited, so a call that reaches "
            + "this method would run unguarded";

    @TempDir
    Path dir;

    private static final JavaFileObject BASE = JavaFileObjects.forSourceLines("com.acme.Base",
            "package com.acme;",
            "import io.bulwark.*;",
            "public class Base {",
            "    @RateLimited(name = \"login\", limit = 5, window = \"1m\", key = \"{email}\")",
            "    public String login(String email) {",
            "        return \"base\";",
            "    }",
            "}");

    private static JavaFileObject sub(String... annotations) {
        String[] lines = new String[annotations.length + 8];
        int i = 0;
        lines[i++] = "package com.acme;";
        lines[i++] = "import io.bulwark.*;";
        lines[i++] = "public class Sub extends Base {";
        for (String annotation : annotations) {
            lines[i++] = "    " + annotation;
        }
        lines[i++] = "    @Override";
        lines[i++] = "    public String login(String email) {";
        lines[i++] = "        return \"sub\";";
        lines[i++] = "    }";
        lines[i] = "}";
        return JavaFileObjects.forSourceLines("com.acme.Sub", lines);
    }

    private static Compilation compile(JavaFileObject... sources) {
        return javac().withProcessors(new BulwarkProcessor()).compile(sources);
    }

    @Test
    void anOverrideWithoutTheGuardIsAnErrorAtTheMethod() {
        JavaFileObject sub = sub();
        Compilation compilation = compile(BASE, sub);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("com.acme.Sub.login(java.lang.String) overrides "
                + "com.acme.Base.login(java.lang.String), which is @RateLimited, " + MESSAGE).inFile(sub).onLine(5);
        assertEquals(1, compilation.errors().size(), compilation.errors().toString());
    }

    @Test
    void anOverrideWithOtherValuesIsAnErrorToo() {
        JavaFileObject sub = sub("@RateLimited(name = \"login\", limit = 50, window = \"1m\", key = \"{email}\")");
        Compilation compilation = compile(BASE, sub);
        assertThat(compilation).hadErrorContaining(MESSAGE).inFile(sub).onLine(6);
    }

    @Test
    void anOverrideWithTheSameGuardCompilesCleanly() {
        // The same declaration, values in another order: the same guard.
        assertThat(compile(BASE, sub("@RateLimited(key = \"{email}\", window = \"1m\", name = \"login\", limit = 5)")))
                .succeededWithoutWarnings();
    }

    @Test
    void theErrorIsSuppressedByItsName() {
        assertThat(compile(BASE, sub("@SuppressWarnings(\"bulwark:unguarded-override\")")))
                .succeededWithoutWarnings();
        assertThat(compile(BASE, sub("@SuppressWarnings(\"bulwark:something-else\")"))).failed();
    }

    /**
     * The guarded method is a default method of an interface in another jar, compiled separately: the implementing
     * class carries no Bulwark annotation at all, and is still checked.
     */
    @Test
    void implementingAGuardedMethodOfAnInterfaceFromAnotherJarWithoutItsGuardIsAnError() throws Exception {
        Path apiJar = apiJar("""
                package com.vendor.api;
                public interface Payments {
                    @io.bulwark.Requires2FA
                    @io.bulwark.Audited(action = "payment.send")
                    default void send(String account, long cents) {
                    }
                    String name();
                }
                """);
        JavaFileObject impl = JavaFileObjects.forSourceLines("com.acme.Bank",
                "package com.acme;",
                "public class Bank implements com.vendor.api.Payments {",
                "    @Override",
                "    public void send(String account, long cents) {",
                "    }",
                "    @Override",
                "    public String name() {",
                "        return \"bank\";",
                "    }",
                "}");
        Compilation compilation = javac().withProcessors(new BulwarkProcessor())
                .withClasspath(List.of(apiJar.toFile(), annotationsLocation())).compile(impl);
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("com.acme.Bank.send(java.lang.String, long) overrides "
                + "com.vendor.api.Payments.send(java.lang.String, long), which is @Requires2FA and @Audited, "
                + MESSAGE).inFile(impl).onLine(4);
        assertEquals(1, compilation.errors().size(), "name() overrides an unguarded method");

        JavaFileObject guarded = JavaFileObjects.forSourceLines("com.acme.Bank",
                "package com.acme;",
                "public class Bank implements com.vendor.api.Payments {",
                "    @Override",
                "    @io.bulwark.Audited(action = \"payment.send\")",
                "    @io.bulwark.Requires2FA",
                "    public void send(String account, long cents) {",
                "    }",
                "    @Override",
                "    public String name() {",
                "        return \"bank\";",
                "    }",
                "}");
        assertThat(javac().withProcessors(new BulwarkProcessor())
                .withClasspath(List.of(apiJar.toFile(), annotationsLocation())).compile(guarded))
                .succeededWithoutWarnings();
    }

    private static File annotationsLocation() throws URISyntaxException {
        return new File(RateLimited.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** {@code source} compiled on its own (no processor) into a jar. */
    private Path apiJar(String source) throws IOException, URISyntaxException {
        Path src = dir.resolve("src/com/vendor/api/Payments.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, compiler.run(null, null, null, "-proc:none", "-d", classes.toString(), "-cp",
                annotationsLocation().toString(), src.toString()));
        Path jar = dir.resolve("vendor-api.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream entries = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                entries.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, entries);
            }
        }
        return jar;
    }
}
