package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.BridgeApp;
import io.bulwark.agent.e2e.apps.LoginApp;
import io.bulwark.agent.e2e.apps.PreloadAgent;
import io.bulwark.agent.e2e.apps.PreloadedApp;
import io.bulwark.agent.e2e.apps.QuotaApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code @RateLimited} enforced by the agent in a separate JVM, as an application would run it. */
class RateLimitedEndToEndIT {

    private static final String REFUSED_3_PER_MINUTE =
            "RateLimitedException policy=public limit=3 remaining=0 retryAfter=20 status=429";

    @TempDir
    Path dir;

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theCallPastTheLimitIsRefusedOnPublicPrivateStaticFinalAndSelfInvokedMethods(Path javaHome) throws Exception {
        ForkedJvm.Result r = new ForkedJvm().java(javaHome).run(QuotaApp.class).assertExit(0);
        assertEquals("true", r.value("agentActive"));
        assertEquals(String.valueOf(Jdks.feature(javaHome)), r.value("java"));
        for (int i = 1; i <= 3; i++) {
            assertEquals("OK", r.value("public." + i));
        }
        assertEquals(REFUSED_3_PER_MINUTE, r.value("public.4"));
        for (String kind : List.of("private", "static", "final", "self")) {
            assertEquals("OK", r.value(kind + ".1"), kind);
            assertEquals("OK", r.value(kind + ".2"), kind);
            assertEquals("RateLimitedException policy=" + kind + " limit=2 remaining=0 retryAfter=30 status=429",
                    r.value(kind + ".3"), kind);
        }
        assertTrue(r.stderr().contains("INFO agent 0.1.0-SNAPSHOT active: rate limits in memory (this JVM only)"),
                r.toString());
        assertFalse(r.stderr().contains("WARNING: sun.misc.Unsafe"), r.toString());
    }

    @Test
    void lockoutPerEmailResetOnSuccessAndKeysFromRecordProperties() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().run(LoginApp.class).assertExit(0);
        String locked = "LockedOutException policy=login limit=3 remaining=0 retryAfter=900 status=429";
        assertEquals("THREW BadCredentials", r.value("alice-wrong.1"));
        assertEquals("THREW BadCredentials", r.value("alice-wrong.3"));
        assertEquals(locked, r.value("alice-wrong.4"));
        assertEquals(locked, r.value("alice-right.1"), "the right password does not open a lock");
        assertEquals("OK", r.value("bob-ok.1"));
        assertEquals("THREW BadCredentials", r.value("bob-after-reset.2"), "success reset bob's two failures");
        assertEquals("OK", r.value("transfer-u1.2"));
        assertEquals("RateLimitedException policy=transfers limit=2 remaining=0 retryAfter=1800 status=429",
                r.value("transfer-u1.3"));
        assertEquals("OK", r.value("transfer-u2.1"));
    }

    /**
     * Compiled without the processor (which would reject it at compile time) and found by the fallback for classes
     * the index does not list: what happens when such a declaration reaches the agent anyway.
     */
    @Test
    void declarationsThatCannotBeEnforcedRefuseEveryCallAndSayWhyAtStartup() throws Exception {
        Path classes = Javac.compile(dir, List.of("-parameters"), "io/bulwark/agent/e2e/apps/MisdeclaredApp.java",
                Javac.resource("MisdeclaredApp.java"));
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.scan=annotations")
                .onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR)
                .runMain("io.bulwark.agent.e2e.apps.MisdeclaredApp").assertExit(0);
        String refused = "GuardUnavailableException status=503 message=guard '%s' refused the call: its guard "
                + "declaration is invalid (the Bulwark log says why)";
        assertEquals(String.format(refused, "io.bulwark.agent.e2e.apps.MisdeclaredApp.typo(String)"),
                r.value("typo.1"));
        assertEquals(String.format(refused, "io.bulwark.agent.e2e.apps.MisdeclaredApp.badWindow()"),
                r.value("bad-window.1"));
        assertTrue(r.stderr().contains("ERROR @RateLimited on io.bulwark.agent.e2e.apps.MisdeclaredApp.typo(String): "
                + "key '{emial}': {emial} names no parameter: expected one of email or a caller field such as "
                + "{caller.ip}; did you mean 'email'?"), r.toString());
        assertTrue(r.stderr().contains("window = '5 minutes' is not a duration"), r.toString());
        assertTrue(r.stderr().contains("ERROR @RateLimited on io.bulwark.agent.e2e.apps.MisdeclaredApp$Api.call is not "
                + "enforced: an abstract method has no body to guard"), r.toString());
    }

    @Test
    void aGenericMethodCalledThroughItsBridgeCountsOnce() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().run(BridgeApp.class).assertExit(0);
        assertEquals("OK", r.value("handle.1"));
        assertEquals("OK", r.value("handle.2"));
        assertTrue(r.value("handle.3").startsWith("RateLimitedException policy=handle"), r.toString());
    }

    @Test
    void aClassLoadedBeforeTheAgentStartedIsRetransformed() throws Exception {
        Path preloadJar = dir.resolve("preload.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", PreloadAgent.class.getName());
        try (OutputStream out = Files.newOutputStream(preloadJar);
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        ForkedJvm.Result r = new ForkedJvm().option("-javaagent:" + preloadJar).run(PreloadedApp.class).assertExit(0);
        assertEquals("true", r.value("initializedInPremain"));
        assertEquals("OK", r.value("preloaded.1"));
        assertTrue(r.value("preloaded.2").startsWith("RateLimitedException policy=preloaded"), r.toString());
    }

    private static final String NO_NAMES_APP = """
            package nonames;
            import io.bulwark.RateLimited;
            public class App {
                @RateLimited(name = "login", limit = 1, window = "1m", key = "{email}")
                static String login(String email) { return "ran"; }
                public static void main(String[] args) {
                    for (String who : new String[] {"alice", "alice", "bob"}) {
                        try { System.out.println("login." + who + "=" + login(who)); }
                        catch (io.bulwark.BulwarkException e) {
                            System.out.println("login." + who + "=" + e.getMessage());
                        }
                    }
                }
            }
            """;

    /** Compiles {@link #NO_NAMES_APP} with the given debug option and no -parameters, and no processor. */
    private Path compileWithout(String debugOption) throws IOException {
        return Javac.compile(dir.resolve(debugOption.replaceAll("[^a-z]", "")), List.of(debugOption),
                "nonames/App.java", NO_NAMES_APP);
    }

    @Test
    void parameterNamesAreReadFromDebugInfoWhenCompiledWithGButNotParameters() throws Exception {
        ForkedJvm.Result app = new ForkedJvm().option("-Dbulwark.scan=annotations")
                .onlyClasspath(compileWithout("-g"), ForkedJvm.ANNOTATIONS_JAR).runMain("nonames.App").assertExit(0);
        assertEquals(List.of("login.alice=ran", "login.alice=rate limit 'login' exceeded (1 per 1m); retry after 1m",
                "login.bob=ran"), app.lines());
    }

    @Test
    void withoutParameterNamesInTheClassFileAKeyNamingAParameterRefusesAndSaysHowToFixIt() throws Exception {
        ForkedJvm.Result app = new ForkedJvm().option("-Dbulwark.scan=annotations")
                .onlyClasspath(compileWithout("-g:none"), ForkedJvm.ANNOTATIONS_JAR).runMain("nonames.App")
                .assertExit(0);
        assertTrue(app.value("login.alice").contains("its guard declaration is invalid"), app.toString());
        assertTrue(app.value("login.bob").contains("its guard declaration is invalid"), app.toString());
        assertTrue(app.stderr().contains("the class file does not record parameter names, so {email} cannot be "
                + "resolved: compile with -parameters (or -g)"), app.toString());
    }
}
