package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own build, made of the README's snippets ("In your own build"): the annotations dependency, the processor
 * on a pinned compiler plugin, and the agent copied by maven-dependency-plugin; built by a separate Maven against the
 * artifacts this build installed into a private repository (target/readme-build/repository, never ~/.m2), and run
 * with the agent the snippet copied from that repository.
 *
 * <p>The inner Maven reads third-party plugins from the outer build's local repository through a file mirror, so it
 * needs no network: what it uses, the outer build has used already (the versions the snippets pin are the outer
 * build's own).
 */
class ReadmeBuildIT {

    private static final Pattern SNIPPET = Pattern.compile("<!-- readme-build: (\\w+) -->\\s*```xml\\n(.*?)```",
            Pattern.DOTALL);

    @TempDir
    Path dir;

    private static final String APP = """
            package com.example.shop;

            import io.bulwark.RateLimited;
            import io.bulwark.RateLimitedException;

            public class App {

                @RateLimited(name = "export", limit = 2, window = "1m")
                private static String export() {
                    return "exported";
                }

                public static void main(String[] args) {
                    for (int i = 1; i <= 3; i++) {
                        try {
                            System.out.println("export." + i + "=" + export());
                        } catch (RateLimitedException e) {
                            System.out.println("export." + i + "=refused " + e.httpStatus());
                        }
                    }
                }
            }
            """;

    @Test
    void aProjectMadeOfTheReadmeSnippetsIsBuiltAndRunsGuarded() throws Exception {
        Path root = Path.of(ForkedJvm.required("bulwark.readme.root"));
        Path repository = Path.of(ForkedJvm.required("bulwark.readme.repository"));
        String version = ForkedJvm.required("bulwark.readme.version");
        String readme = Files.readString(root.resolve("README.md"));
        String dependency = snippet(readme, "dependency");
        String compiler = snippet(readme, "compiler");
        String agent = snippet(readme, "agent");
        assertTrue(compiler.contains("<version>") && compiler.contains("annotationProcessorPaths"), compiler);

        Path project = dir.resolve("shop");
        Files.createDirectories(project.resolve("src/main/java/com/example/shop"));
        Files.writeString(project.resolve("src/main/java/com/example/shop/App.java"), APP);
        Files.writeString(project.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>shop</artifactId>
                  <version>1.0</version>
                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s
                  </dependencies>
                  <build>
                    <pluginManagement>
                      <!-- Not from the README: the lifecycle's other plugins at the versions this build uses, so
                           that the inner build finds them in the outer build's repository (Maven's defaults may be
                           absent). -->
                      <plugins>
                        <plugin><artifactId>maven-resources-plugin</artifactId><version>%s</version></plugin>
                        <plugin><artifactId>maven-surefire-plugin</artifactId><version>%s</version></plugin>
                        <plugin><artifactId>maven-jar-plugin</artifactId><version>%s</version></plugin>
                      </plugins>
                    </pluginManagement>
                    <plugins>
                %s
                %s
                    </plugins>
                  </build>
                </project>
                """.formatted(dependency, pluginVersion(root, "maven-resources-plugin"),
                pluginVersion(root, "maven-surefire-plugin"), pluginVersion(root, "maven-jar-plugin"), compiler,
                agent));
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>outer-build</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(Path.of(ForkedJvm.required("bulwark.readme.outer-repository")).toUri()));

        List<String> mvn = new ArrayList<>(List.of(maven().toString(), "-B", "-s", settings.toString(),
                "-Dmaven.repo.local=" + repository, "package"));
        Result build = run(mvn, project, 300);
        assertEquals(0, build.exit, build.toString());
        assertTrue(Files.isRegularFile(project.resolve("target/classes/META-INF/bulwark/index/com.example.shop.App")),
                "the pinned compiler plugin ran the processor: " + build);

        Path installed = repository.resolve("io/bulwark/bulwark-agent/" + version + "/bulwark-agent-" + version
                + ".jar");
        Path copied = project.resolve("target/bulwark-agent.jar");
        assertArrayEquals(Files.readAllBytes(installed), Files.readAllBytes(copied),
                "the snippet copied the agent from the repository");
        try (JarFile jar = new JarFile(copied.toFile())) {
            assertEquals("io.bulwark.agent.boot.AgentBoot",
                    jar.getManifest().getMainAttributes().getValue("Premain-Class"));
        }

        Path annotations = repository.resolve("io/bulwark/bulwark-annotations/" + version + "/bulwark-annotations-"
                + version + ".jar");
        Result app = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + copied, "-Dbulwark.data-dir=" + dir.resolve("data"), "-cp",
                project.resolve("target/classes") + File.pathSeparator + annotations, "com.example.shop.App"),
                project, 60);
        assertEquals(0, app.exit, app.toString());
        assertEquals(List.of("export.1=exported", "export.2=exported", "export.3=refused 429"),
                app.stdout.lines().toList(), app.toString());
        assertTrue(app.stderr.contains("1 guarded method in the processor's index on the class path "
                + "(@RateLimited 1, @Audited 0, @Requires2FA 0)"), app.stderr);
        assertFalse(app.stderr.contains("not in the processor's index"), app.stderr);
    }

    /** The xml block after {@code <!-- readme-build: name -->}; exactly one. */
    private static String snippet(String readme, String name) {
        List<String> found = new ArrayList<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                found.add(m.group(2));
            }
        }
        assertEquals(1, found.size(), "README.md has one '<!-- readme-build: " + name + " -->' xml block");
        return found.get(0);
    }

    /** The version the root pom's pluginManagement gives {@code artifactId}. */
    private static String pluginVersion(Path root, String artifactId) throws IOException {
        Matcher m = Pattern.compile("<artifactId>" + artifactId + "</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(root.resolve("pom.xml")));
        assertTrue(m.find(), artifactId + " in the root pom");
        return m.group(1);
    }

    private static Path maven() {
        String home = System.getProperty("bulwark.readme.maven-home", "");
        Path mvn = Path.of(home, "bin", "mvn");
        return !home.isEmpty() && Files.isExecutable(mvn) ? mvn : Path.of("mvn");
    }

    private record Result(List<String> command, int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Result run(List<String> command, Path workDir, int timeoutSeconds) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s: "
                    + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(command, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
