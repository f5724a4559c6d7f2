package io.bulwark.agent.internal.weaving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.QuotaApp;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weaver on its own: what it makes of a guarded class, and of a class it cannot weave. */
class ClassWeaverTest {

    private static final byte[] CORRUPT = {(byte) 0xCA, (byte) 0xFE, 1, 2, 3};

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private static ClassWeaver weaver(boolean requireWoven) {
        GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false),
                new AuditPipeline(Settings.defaults().audit()), Clock.systemUTC());
        return new ClassWeaver(new GuardPlanner(registry, requireWoven), null, requireWoven);
    }

    /** A class path location whose index lists {@code className}, as a code source. */
    private ProtectionDomain indexing(String className) throws IOException {
        Path entry = dir.resolve("META-INF/bulwark/index/" + className);
        Files.createDirectories(entry.getParent());
        Files.writeString(entry, "# bulwark-index 1\n" + className + " call ()V RateLimited\n");
        return new ProtectionDomain(new CodeSource(dir.toUri().toURL(), (Certificate[]) null), null);
    }

    private ClassLoader loader() throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    @Test
    void aGuardedClassComesOutWithItsGuardsWoven() throws Exception {
        byte[] original;
        try (InputStream in = QuotaApp.class.getResourceAsStream("QuotaApp.class")) {
            original = in.readAllBytes();
        }
        byte[] woven = weaver(false).transform(null, QuotaApp.class.getClassLoader(),
                "io/bulwark/agent/e2e/apps/QuotaApp", null, QuotaApp.class.getProtectionDomain(), original);
        assertNotNull(woven);
        assertFalse(Arrays.equals(original, woven));
        assertTrue(new String(woven, StandardCharsets.ISO_8859_1).contains("io/bulwark/internal/Dispatch"),
                "the woven methods call the dispatch bridge");
    }

    @Test
    void anIndexedClassThatCannotBeWovenIsRefusedWhenWovenIsRequired() throws Exception {
        ProtectionDomain domain = indexing("com.acme.Guarded");
        assertArrayEquals(new byte[] {0}, weaver(true).transform(null, loader(), "com/acme/Guarded", null, domain,
                CORRUPT), "bytes that are no class: its definition fails");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("com.acme.Guarded is listed in the Bulwark index but "
                + "could not be woven, and bulwark.require-woven is set: the class is refused"), log.toString());
    }

    @Test
    void otherwiseTheFailureIsReportedAndTheClassLeftAsItIs() throws Exception {
        ProtectionDomain domain = indexing("com.acme.Guarded");
        assertNull(weaver(false).transform(null, loader(), "com/acme/Guarded", null, domain, CORRUPT));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("ERROR could not weave com.acme.Guarded; if it "
                + "declares guarded methods, they run UNGUARDED"), log.toString());
        assertNull(weaver(true).transform(null, loader(), "com/acme/Other", null, domain, CORRUPT),
                "not in the index: nothing says it is guarded");
        assertNull(weaver(true).transform(null, loader(), "com/acme/Guarded", Object.class, domain, CORRUPT),
                "already loaded: it cannot be taken back, only reported");
    }

    /** A class file whose constant pool is whole but which ends early: ASM cannot read it. */
    private static byte[] truncated(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            byte[] whole = in.readAllBytes();
            return Arrays.copyOf(whole, whole.length - 4);
        }
    }

    @Test
    void anUnindexedClassNamingAStepUpThatCannotBeWovenIsRefusedEvenWithoutRequireWoven() throws Exception {
        ProtectionDomain domain = indexing("com.acme.Other");
        byte[] stepUp = truncated(GuardDescriptorsTest.StepUpAndAudit.class);
        assertTrue((GuardDescriptors.named(stepUp) & GuardDescriptors.REQUIRES_2FA) != 0, "the pool is whole");
        assertArrayEquals(new byte[] {0}, weaver(false).transform(null, loader(), "com/acme/Unlisted", null, domain,
                stepUp), "a step-up never runs unwoven");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("com.acme.Unlisted names Bulwark guards but could "
                + "not be woven, and it has methods that require a second factor: the class is refused"),
                log.toString());

        byte[] limited = truncated(GuardDescriptorsTest.OneLimit.class);
        assertNull(weaver(false).transform(null, loader(), "com/acme/Unlisted", null, domain, limited),
                "a rate limit alone is reported");
        assertArrayEquals(new byte[] {0}, weaver(true).transform(null, loader(), "com/acme/Unlisted", null, domain,
                limited), "and refused with require-woven");
    }
}
