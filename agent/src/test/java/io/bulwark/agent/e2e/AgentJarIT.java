package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** What the agent jar may contain: the API and boot classes at its root, everything else relocated under inst/. */
class AgentJarIT {

    @Test
    void rootHoldsOnlyThePublicApiAndTheBootClasses() throws Exception {
        List<String> misplaced = new ArrayList<>();
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || name.startsWith("inst/") || name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                boolean api = name.matches("io/bulwark/[A-Za-z0-9$-]+\\.class")
                        || name.matches("io/bulwark/internal/[A-Za-z0-9$-]+\\.class")
                        || name.matches("io/bulwark/monitoring/[A-Za-z0-9$-]+\\.class");
                boolean boot = name.matches("io/bulwark/agent/boot/[A-Za-z$-]+\\.class");
                if (!api && !boot) {
                    misplaced.add(name);
                }
            }
        }
        assertEquals(List.of(), misplaced);
    }

    @Test
    void everythingUnderInstIsRelocatedAndHiddenFromOrdinaryClassLoaders() throws Exception {
        List<String> misplaced = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith("inst/")) {
                    continue;
                }
                if (name.endsWith(".classdata")) {
                    classes++;
                    if (!name.startsWith("inst/io/bulwark/")) {
                        misplaced.add(name);
                    }
                } else if (!name.startsWith("inst/META-INF/") && !name.startsWith("inst/io/bulwark/")) {
                    misplaced.add(name);
                }
            }
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (entry.getName().endsWith(".class") && entry.getName().startsWith("inst/")) {
                    misplaced.add(entry.getName());
                }
            }
            Manifest manifest = jar.getManifest();
            assertEquals("io.bulwark.agent.boot.AgentBoot", manifest.getMainAttributes().getValue("Premain-Class"));
            assertEquals("true", manifest.getMainAttributes().getValue("Can-Retransform-Classes"));
        }
        assertEquals(List.of(), misplaced);
        assertTrue(classes > 1_000, "ASM and the runtime should be inside, found " + classes + " classes");
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            assertTrue(jar.getEntry("inst/io/bulwark/shaded/org/objectweb/asm/ClassReader.classdata") != null);
            assertTrue(jar.getEntry("inst/io/bulwark/runtime/BulwarkRuntime.classdata") != null);
            assertTrue(jar.getEntry("inst/io/bulwark/rules/RateLimitRules.classdata") != null,
                    "the rules are the agent's own, in its isolated loader, not the application's API");
            assertTrue(jar.getEntry("inst/io/bulwark/shaded/redis/clients/jedis/RedisClient.classdata") != null);
            assertTrue(jar.getEntry("inst/META-INF/services/io.bulwark.shaded.org.slf4j.spi.SLF4JServiceProvider")
                    != null, "Bulwark's SLF4J provider is registered under the relocated name");
        }
    }
}
