package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.LoginApp;
import io.bulwark.agent.e2e.apps.QuotaApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor's index: what the agent weaves by default, and what it never parses. */
class IndexIT {

    private static final String APPS = "io.bulwark.agent.e2e.apps.";

    @TempDir
    Path dir;

    private static List<String> parsedApps(ForkedJvm.Result r) {
        return r.stderr().lines().filter(l -> l.contains(" DEBUG parsed " + APPS))
                .map(l -> l.substring(l.indexOf(" DEBUG parsed ") + " DEBUG parsed ".length())).sorted().toList();
    }

    @Test
    void withTheIndexOnlyGuardedClassesAreEverParsed() throws Exception {
        ForkedJvm.Result indexed = new ForkedJvm().option("-Dbulwark.log.level=debug").run(QuotaApp.class)
                .assertExit(0);
        assertEquals("RateLimitedException policy=public limit=3 remaining=0 retryAfter=20 status=429",
                indexed.value("public.4"));
        // The fallback for classes the index does not list reads only their constant pools: Probe names no guard.
        assertEquals(List.of(APPS + "QuotaApp"), parsedApps(indexed), "Probe and the lambdas' classes are unguarded");
    }

    @Test
    void theProcessorsKeyExtractorsReadTheKeys() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.log.level=debug").run(LoginApp.class).assertExit(0);
        assertTrue(r.stderr().contains("policy 'transfers': key read by " + APPS + "LoginApp_BulwarkKeys#key2"),
                r.stderr());
        assertEquals("RateLimitedException policy=transfers limit=2 remaining=0 retryAfter=1800 status=429",
                r.value("transfer-u1.3"));
        assertEquals("OK", r.value("transfer-u2.1"));
    }

    @Test
    void aClassCompiledWithoutTheProcessorIsGuardedUnlessOnlyTheIndexIsAskedFor() throws Exception {
        Path classes = Javac.compile(dir, List.of("-parameters"), "unindexed/UnindexedApp.java",
                Javac.resource("UnindexedApp.java"));
        ForkedJvm.Result indexOnly = new ForkedJvm().option("-Dbulwark.scan=index").onlyClasspath(classes,
                ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR).runMain("unindexed.UnindexedApp").assertExit(0);
        assertEquals("OK", indexOnly.value("call.2"));
        assertTrue(indexOnly.stderr().contains("bulwark.scan=index: classes compiled without bulwark-processor are "
                + "NOT guarded"), indexOnly.stderr());

        ForkedJvm.Result byDefault = new ForkedJvm()
                .onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR)
                .runMain("unindexed.UnindexedApp").assertExit(0);
        assertTrue(byDefault.value("call.2").startsWith("RateLimitedException policy=unindexed"), byDefault.toString());
    }

    @Test
    void aMethodTheIndexListsButItsClassNoLongerGuardsIsReportedAndRefusedWhenRequired() throws Exception {
        Path stale = Javac.compile(dir, List.of("-parameters"), "io/bulwark/agent/e2e/apps/StaleApp.java",
                Javac.resource("StaleApp.java"));
        // A rebuild without the processor into the same output leaves the old index entry beside the new class.
        Path entry = Path.of("META-INF/bulwark/index/" + APPS + "StaleApp");
        Files.createDirectories(stale.resolve(entry).getParent());
        Files.copy(ForkedJvm.TEST_CLASSES.resolve(entry), stale.resolve(entry));
        ForkedJvm.Result reported = new ForkedJvm().onlyClasspath(stale, ForkedJvm.TEST_CLASSES,
                ForkedJvm.ANNOTATIONS_JAR).runMain(APPS + "StaleApp").assertExit(0);
        assertEquals("OK", reported.value("call.2"));
        assertTrue(reported.stderr().contains("ERROR " + APPS + "StaleApp.call()Ljava/lang/String; is listed in the "
                + "Bulwark index but carries no guard in its class file: it runs UNGUARDED"), reported.stderr());

        ForkedJvm.Result refused = new ForkedJvm().option("-Dbulwark.require-woven=true")
                .onlyClasspath(stale, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR).runMain(APPS + "StaleApp")
                .assertExit(0);
        assertTrue(refused.value("call.1").startsWith("GuardUnavailableException status=503"), refused.toString());
        assertFalse(refused.stdout().contains("call.1=OK"));
    }

    @Test
    void anIndexedStepUpThatLostItsGuardIsRefusedEvenWithoutRequireWoven() throws Exception {
        Path stale = Javac.compile(dir, List.of("-parameters"), "io/bulwark/agent/e2e/apps/StaleStepUpApp.java",
                Javac.resource("StaleStepUpApp.java"));
        Path entry = Path.of("META-INF/bulwark/index/" + APPS + "StaleStepUpApp");
        Files.createDirectories(stale.resolve(entry).getParent());
        Files.copy(ForkedJvm.TEST_CLASSES.resolve(entry), stale.resolve(entry));
        ForkedJvm.Result refused = new ForkedJvm().onlyClasspath(stale, ForkedJvm.TEST_CLASSES,
                ForkedJvm.ANNOTATIONS_JAR).runMain(APPS + "StaleStepUpApp").assertExit(0);
        assertTrue(refused.value("transfer.1").startsWith("GuardUnavailableException status=503"), refused.toString());
        assertTrue(refused.stderr().contains("the index says it requires a second factor"), refused.stderr());
    }
}
