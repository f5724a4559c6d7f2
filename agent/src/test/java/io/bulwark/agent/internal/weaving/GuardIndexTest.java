package io.bulwark.agent.internal.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index entry of a class, found in its own code source (directory or jar), or else through its loader. */
class GuardIndexTest {

    private static final String ENTRY = "# bulwark-index 1\n"
            + "com.acme.Auth login (Ljava/lang/String;)V RateLimited keys=com.acme.Auth_BulwarkKeys:key0\n";

    @TempDir
    Path dir;

    private static ProtectionDomain domain(Path location) throws IOException {
        return new ProtectionDomain(new CodeSource(location.toUri().toURL(), (Certificate[]) null), null);
    }

    private static void assertEntry(Map<String, GuardIndex.Entry> entries) {
        GuardIndex.Entry login = entries.get("login(Ljava/lang/String;)V");
        assertEquals("com.acme.Auth_BulwarkKeys#key0", login.extractor(0));
        assertTrue(login.kinds().contains("RateLimited"));
    }

    @Test
    void aDirectoryCodeSourceIsReadDirectly() throws Exception {
        Path entry = dir.resolve("classes/META-INF/bulwark/index/com.acme.Auth");
        Files.createDirectories(entry.getParent());
        Files.writeString(entry, ENTRY);
        // A loader that cannot see the entry: only the code source has it.
        ClassLoader blind = new URLClassLoader(new URL[0], null);
        assertEntry(GuardIndex.read(blind, "com.acme.Auth", domain(dir.resolve("classes"))));
        assertTrue(GuardIndex.lists(blind, "com.acme.Auth", domain(dir.resolve("classes"))));
        assertFalse(GuardIndex.lists(blind, "com.acme.Other", domain(dir.resolve("classes"))));
        assertNull(GuardIndex.read(blind, "com.acme.Other", domain(dir.resolve("classes"))));
    }

    /**
     * The gate's fast path answers for the code source asked about last, listed names in the JVM's internal form,
     * nested classes included; any other code source is left to {@link GuardIndex#lists}.
     */
    @Test
    void theLastCodeSourceAnswersByInternalName() throws Exception {
        Path index = dir.resolve("classes/META-INF/bulwark/index");
        Files.createDirectories(index);
        Files.writeString(index.resolve("com.acme.Auth"), ENTRY);
        Files.writeString(index.resolve("com.acme.Outer$Inner"),
                ENTRY.replace("com.acme.Auth", "com.acme.Outer$Inner"));
        ProtectionDomain classes = domain(dir.resolve("classes"));
        ClassLoader blind = new URLClassLoader(new URL[0], null);
        assertTrue(GuardIndex.mayList("com/acme/Other", classes), "not asked about yet: it may list anything");
        assertFalse(GuardIndex.lists(blind, "com.acme.Other", classes));
        assertTrue(GuardIndex.mayList("com/acme/Auth", classes));
        assertTrue(GuardIndex.mayList("com/acme/Outer$Inner", classes));
        assertFalse(GuardIndex.mayList("com/acme/Other", classes));
        assertFalse(GuardIndex.mayList("com/acme/Autx", classes), "same length as a listed name");
        assertFalse(GuardIndex.mayList("com.acme.Auth", classes), "a binary name is not an internal one");
        assertTrue(GuardIndex.lists(blind, "com.acme.Outer$Inner", classes));
        assertTrue(GuardIndex.mayList("com/acme/Other", domain(dir.resolve("elsewhere"))));
    }

    @Test
    void aJarCodeSourceIsReadDirectly() throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/bulwark/index/com.acme.Auth"));
            out.write(ENTRY.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        ClassLoader blind = new URLClassLoader(new URL[0], null);
        assertEntry(GuardIndex.read(blind, "com.acme.Auth", domain(jar)));
    }

    @Test
    void otherwiseTheLoaderIsAsked() throws Exception {
        Path entry = dir.resolve("elsewhere/META-INF/bulwark/index/com.acme.Auth");
        Files.createDirectories(entry.getParent());
        try (OutputStream out = Files.newOutputStream(entry)) {
            out.write(ENTRY.getBytes(StandardCharsets.UTF_8));
        }
        ClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("elsewhere").toUri().toURL()}, null);
        assertEntry(GuardIndex.read(loader, "com.acme.Auth", null));
        assertEntry(GuardIndex.read(loader, "com.acme.Auth", domain(dir.resolve("empty"))));
    }
}
