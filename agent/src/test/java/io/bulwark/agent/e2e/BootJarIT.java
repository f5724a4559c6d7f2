package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.QuotaApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring Boot's executable jar, launched by Boot's own launcher: classes come from {@code jar:nested:} code sources,
 * the application's from {@code BOOT-INF/classes} (its index moved to the jar's root, as Boot's repackager does) and
 * libraries' from jars nested in {@code BOOT-INF/lib}. Both are listed once and their guarded classes woven, on
 * every JDK the tests find.
 */
class BootJarIT {

    private static final String APPS = "io/bulwark/agent/e2e/apps/";
    private static final String INDEX = "META-INF/bulwark/index/";
    private static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";
    private static final Pattern LISTED = Pattern.compile("listed (\\d+) Bulwark index entries for (jar:nested:\\S+)");

    @TempDir
    Path dir;

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void guardedClassesOfANestedLibraryAreListedAndWoven(Path javaHome) throws Exception {
        ForkedJvm.Result r = launch(bootJar(false), javaHome);
        assertEquals(String.valueOf(Jdks.feature(javaHome)), r.value("java"));
        assertQuotasHeld(r);
        assertTrue(listed(r).contains("jar:nested:" + dir.resolve("app.jar") + "/!BOOT-INF/lib/apps.jar!/"),
                r.stderr());
    }

    @Test
    void guardedApplicationClassesAreFoundThroughTheIndexAtTheJarsRoot() throws Exception {
        ForkedJvm.Result r = launch(bootJar(true), Path.of(System.getProperty("java.home")));
        assertQuotasHeld(r);
        assertTrue(listed(r).contains("jar:nested:" + dir.resolve("app.jar") + "/!BOOT-INF/classes/!/"), r.stderr());
    }

    /**
     * The application's classes compiled without the processor: no index anywhere in the jar, default settings, and
     * every guard still holds, found through the classes' constant pools as Boot's loader defines them.
     */
    @Test
    void applicationClassesCompiledWithoutTheProcessorAreGuardedByDefault() throws Exception {
        Path classes = NoProcessorIT.compile(dir.resolve("noproc"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LAUNCHER);
        manifest.getMainAttributes().putValue("Start-Class", NoProcessorIT.MAIN);
        manifest.getMainAttributes().putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        manifest.getMainAttributes().putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.walk(classes)) {
            copyLoader(out);
            out.putNextEntry(new JarEntry("BOOT-INF/classes/"));
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry("BOOT-INF/classes/" + classes.relativize(file).toString()
                        .replace('\\', '/')));
                Files.copy(file, out);
            }
            out.putNextEntry(new JarEntry("BOOT-INF/classes/" + APPS + "Probe.class"));
            Files.copy(ForkedJvm.TEST_CLASSES.resolve(APPS + "Probe.class"), out);
            stored(out, "BOOT-INF/lib/bulwark-annotations.jar", Files.readAllBytes(ForkedJvm.ANNOTATIONS_JAR));
        }
        ForkedJvm.Result r = new ForkedJvm().onlyClasspath(jar).runMain(LAUNCHER).assertExit(0);
        NoProcessorIT.assertGuarded(r);
    }

    private static ForkedJvm.Result launch(Path jar, Path javaHome) throws Exception {
        // The launcher finds its archive from its own code source, as under java -jar.
        return new ForkedJvm().java(javaHome).option("-Dbulwark.log.level=debug").onlyClasspath(jar)
                .runMain(LAUNCHER).assertExit(0);
    }

    private static void assertQuotasHeld(ForkedJvm.Result r) {
        assertEquals("RateLimitedException policy=public limit=3 remaining=0 retryAfter=20 status=429",
                r.value("public.4"));
        assertEquals("RateLimitedException policy=self limit=2 remaining=0 retryAfter=30 status=429",
                r.value("self.3"));
        assertFalse(r.stderr().contains("cannot list jar:nested:"), r.stderr());
    }

    /** The nested code sources the agent listed, each with at least one index entry. */
    private static List<String> listed(ForkedJvm.Result r) {
        return r.stderr().lines().map(LISTED::matcher).filter(Matcher::find)
                .filter(m -> Integer.parseInt(m.group(1)) > 0).map(m -> m.group(2)).toList();
    }

    /**
     * @param asApplication the test applications in {@code BOOT-INF/classes} with their index at the root, else in
     *                      a library nested in {@code BOOT-INF/lib}
     */
    private Path bootJar(boolean asApplication) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LAUNCHER);
        manifest.getMainAttributes().putValue("Start-Class", QuotaApp.class.getName());
        manifest.getMainAttributes().putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        manifest.getMainAttributes().putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            copyLoader(out);
            if (asApplication) {
                out.putNextEntry(new JarEntry("BOOT-INF/classes/"));
                addApps(out, "BOOT-INF/classes/", "");
            } else {
                out.putNextEntry(new JarEntry("BOOT-INF/classes/"));
                stored(out, "BOOT-INF/lib/apps.jar", appsJar());
            }
            stored(out, "BOOT-INF/lib/bulwark-annotations.jar", Files.readAllBytes(ForkedJvm.ANNOTATIONS_JAR));
        }
        return jar;
    }

    /** Boot's launcher classes at the jar's root, from the copy spring-boot-loader-tools ships. */
    private static void copyLoader(JarOutputStream out) throws IOException {
        try (JarFile tools = new JarFile(ForkedJvm.required("bulwark.e2e.boot-loader-tools"));
                InputStream loader = tools.getInputStream(tools.getEntry("META-INF/loader/spring-boot-loader.jar"));
                JarInputStream entries = new JarInputStream(loader)) {
            for (JarEntry e = entries.getNextJarEntry(); e != null; e = entries.getNextJarEntry()) {
                if (!e.getName().startsWith("META-INF/")) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    entries.transferTo(out);
                }
            }
        }
    }

    private static byte[] appsJar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            addApps(out, "", "");
        }
        return bytes.toByteArray();
    }

    /** The test applications' classes under {@code classPrefix}, their index entries under {@code indexPrefix}. */
    private static void addApps(JarOutputStream out, String classPrefix, String indexPrefix) throws IOException {
        Path classes = ForkedJvm.TEST_CLASSES;
        try (Stream<Path> files = Stream.concat(Files.walk(classes.resolve(APPS)),
                Files.walk(classes.resolve(INDEX)))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (name.startsWith(INDEX) && !name.startsWith(INDEX + "io.bulwark.agent.e2e.apps.")) {
                    continue;
                }
                out.putNextEntry(new JarEntry((name.startsWith(INDEX) ? indexPrefix : classPrefix) + name));
                Files.copy(file, out);
            }
        }
    }

    /** Boot reads nested jars in place, so they must be stored uncompressed. */
    private static void stored(JarOutputStream out, String name, byte[] content) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        out.putNextEntry(entry);
        out.write(content);
    }
}
