package io.bulwark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the API jar holds the API and the bridge only, and says so in its module descriptor: three packages, all
 * exported, none opened, no dependency but java.base. A class moved back into another package of this jar (the rules
 * once were) fails here.
 */
class ModuleDescriptorTest {

    @Test
    void exportsTheApiAndTheBridgeAndNothingElse() throws Exception {
        Path classes = Path.of(RateLimited.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        Set<String> api = Set.of("io.bulwark", "io.bulwark.monitoring", "io.bulwark.internal");
        assertEquals("io.bulwark", descriptor.name());
        assertEquals(api, descriptor.packages());
        Set<String> exported = new TreeSet<>();
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            assertEquals(Set.of(), e.targets(), "exported to everyone: woven code lives in the application's modules");
            exported.add(e.source());
        }
        assertEquals(new TreeSet<>(api), exported);
        assertEquals(Set.of(), descriptor.opens());
        Set<String> requires = new TreeSet<>();
        descriptor.requires().forEach(r -> requires.add(r.name()));
        assertEquals(Set.of("java.base"), requires);
    }
}
