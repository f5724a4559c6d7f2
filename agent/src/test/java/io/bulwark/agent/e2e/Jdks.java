package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The JDKs (17 and later) the end-to-end tests run on: the one running the build, plus those under
 * {@code /usr/lib/jvm} and in {@code BULWARK_TEST_JDKS} (java homes separated by ':'). CI sets
 * {@code BULWARK_TEST_REQUIRE_JDKS=17,25} so that a missing JDK fails the build instead of shrinking the matrix.
 */
final class Jdks {

    private Jdks() {
    }

    static List<Path> all() throws IOException {
        Map<Integer, Path> byFeature = new LinkedHashMap<>();
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of(System.getProperty("java.home")));
        String extra = System.getenv("BULWARK_TEST_JDKS");
        if (extra != null && !extra.isBlank()) {
            for (String home : extra.split(":")) {
                candidates.add(Path.of(home));
            }
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                homes.sorted().forEach(candidates::add);
            }
        }
        for (Path home : candidates) {
            Integer feature = feature(home);
            if (feature != null && feature >= 17 && Files.isExecutable(home.resolve("bin/java"))) {
                byFeature.putIfAbsent(feature, home.toRealPath());
            }
        }
        String required = System.getenv("BULWARK_TEST_REQUIRE_JDKS");
        if (required != null && !required.isBlank()) {
            for (String feature : required.split(",")) {
                assertTrue(byFeature.containsKey(Integer.parseInt(feature.strip())),
                        "JDK " + feature + " is required by BULWARK_TEST_REQUIRE_JDKS but not found among "
                                + byFeature);
            }
        }
        return List.copyOf(byFeature.values());
    }

    /** The feature release of the JDK at {@code home} (17, 25), read from its release file; null if none. */
    static Integer feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        String version = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        String major = version.startsWith("1.") ? version.substring(2, 3) : version.split("[.+-]")[0];
        try {
            return Integer.parseInt(major);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
