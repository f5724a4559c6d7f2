package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.QuotaApp;
import io.bulwark.agent.e2e.apps.StepUpApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classes compiled without bulwark-processor (no index entry) are guarded under default settings, found by the
 * guard annotations' descriptors in their constant pools; {@code bulwark.scan.packages} narrows only that fallback,
 * never what the index lists.
 */
class NoProcessorIT {

    static final String MAIN = "noproc.NoProcessorApp";
    private static final String ADVICE = " carries Bulwark guards but is not in the processor's index (compiled "
            + "without bulwark-processor): woven from its class file, ";

    @TempDir
    Path dir;

    /** {@code NoProcessorApp} and {@code Other}, compiled with -proc:none into {@code dir/classes}. */
    static Path compile(Path dir) throws IOException {
        Path classes = Javac.compile(dir, List.of("-parameters"), "noproc/NoProcessorApp.java",
                Javac.resource("NoProcessorApp.java"), "noproc/Other.java", Javac.resource("NoProcessorOther.java"));
        try (var files = Files.walk(classes)) {
            assertTrue(files.noneMatch(f -> f.toString().contains("bulwark")), "no index entry was written");
        }
        return classes;
    }

    /** Every guard of {@code NoProcessorApp} held, and each of its classes was named once with the advice. */
    static void assertGuarded(ForkedJvm.Result r) {
        assertEquals("OK", r.value("public.3"), r.toString());
        assertEquals("RateLimitedException policy=public limit=3 remaining=0 retryAfter=20 status=429",
                r.value("public.4"), r.toString());
        assertEquals("RateLimitedException policy=private limit=2 remaining=0 retryAfter=30 status=429",
                r.value("private.3"));
        assertEquals("RateLimitedException policy=static limit=2 remaining=0 retryAfter=30 status=429",
                r.value("static.3"));
        assertEquals("RateLimitedException policy=self limit=2 remaining=0 retryAfter=30 status=429",
                r.value("self.3"), "a self-invoked method, which a proxy would not see");
        assertTrue(r.value("transfer.1").startsWith("TwoFactorRequiredException"), r.toString());
        assertEquals("1000", r.value("balance"), "the transfer without a second factor never ran");
        assertEquals("OK", r.value("other.1"));
        assertEquals("RateLimitedException policy=other limit=1 remaining=0 retryAfter=60 status=429",
                r.value("other.2"));
        assertEquals(1, count(r.stderr(), "WARN " + MAIN + ADVICE + "5 guarded methods (@RateLimited 4, @Audited 1, "
                + "@Requires2FA 1). Add bulwark-processor"), r.stderr());
        assertEquals(1, count(r.stderr(), "WARN noproc.Other" + ADVICE + "1 guarded method (@RateLimited 1, "
                + "@Audited 0, @Requires2FA 0)"), r.stderr());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void anApplicationCompiledWithoutTheProcessorIsGuardedUnderDefaultSettings() throws Exception {
        Path classes = compile(dir);
        ForkedJvm.Result r = new ForkedJvm().onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR)
                .runMain(MAIN).assertExit(0);
        assertGuarded(r);
        assertTrue(r.stderr().contains(" guarded methods in the processor's index on the class path (@RateLimited "),
                r.stderr());
        assertTrue(r.stderr().contains("and classes compiled without bulwark-processor, found by their class files "
                + "as they load and each logged by name"), r.stderr());
    }

    @Test
    void onlyTheIndexWhenAskedAndTheStartupLineSaysWhatThatLeavesOut() throws Exception {
        Path classes = compile(dir);
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.scan=index")
                .onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR).runMain(MAIN).assertExit(0);
        assertEquals("OK", r.value("public.4"));
        assertTrue(r.stderr().contains("bulwark.scan=index: classes compiled without bulwark-processor are NOT "
                + "guarded"), r.stderr());
    }

    @Test
    void scanPackagesNarrowsTheFallbackToItsPackages() throws Exception {
        Path classes = compile(dir);
        ForkedJvm.Result outside = new ForkedJvm().option("-Dbulwark.scan.packages=com.acme")
                .onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR).runMain(MAIN).assertExit(0);
        assertEquals("OK", outside.value("public.4"), outside.toString());
        assertTrue(outside.stderr().contains("classes compiled without bulwark-processor in com.acme., found by "),
                outside.stderr());

        ForkedJvm.Result inside = new ForkedJvm().option("-Dbulwark.scan.packages=com.acme,noproc")
                .onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR).runMain(MAIN).assertExit(0);
        assertGuarded(inside);
    }

    @Test
    void scanPackagesNeverDropsAClassTheIndexLists() throws Exception {
        ForkedJvm.Result quota = new ForkedJvm().option("-Dbulwark.scan.packages=com.acme").run(QuotaApp.class)
                .assertExit(0);
        assertEquals("RateLimitedException policy=public limit=3 remaining=0 retryAfter=20 status=429",
                quota.value("public.4"), quota.toString());
        assertEquals("RateLimitedException policy=self limit=2 remaining=0 retryAfter=30 status=429",
                quota.value("self.3"));

        for (String requireWoven : List.of("false", "true")) {
            ForkedJvm.Result stepUp = new ForkedJvm().option("-Dbulwark.scan.packages=com.acme",
                    "-Dbulwark.require-woven=" + requireWoven, "-Dbulwark.data-dir=" + dir.resolve(requireWoven))
                    .run(StepUpApp.class, "alice", "s1:").assertExit(0);
            assertEquals("1000", stepUp.value("balance"), stepUp.toString());
            assertTrue(!stepUp.value("step0").equals("ok"), stepUp.toString());
        }
    }
}
