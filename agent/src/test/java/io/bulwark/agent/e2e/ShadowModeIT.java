package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.OperateApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shadow mode in a forked JVM with the agent: what enforce mode refuses is admitted, and reported. */
class ShadowModeIT {

    @TempDir
    Path dir;

    @Test
    void enforcedThePolicyRefusesTheCallsBeyondItsLimit() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().run(OperateApp.class, "burst", "5").assertExit(0);
        assertEquals("3", r.value("refused"), r.toString());
        assertEquals("2", r.value("heard.allowed"));
        assertEquals("3", r.value("heard.denied"));
        assertEquals("0", r.value("heard.shadow_denied"));
    }

    @Test
    void inShadowModeTheSameCallsAreAllAdmittedAndEachWouldBeRefusalIsReported() throws Exception {
        Path config = dir.resolve("bulwark.properties");
        Files.writeString(config, "bulwark.ratelimit.operated.mode=shadow\n");
        ForkedJvm.Result r = new ForkedJvm().agentArgument("config=" + config).run(OperateApp.class, "burst", "5")
                .assertExit(0);
        assertEquals("0", r.value("refused"), r.toString());
        assertEquals("2", r.value("heard.allowed"), "counted as usual");
        assertEquals("3", r.value("heard.shadow_denied"));
        assertEquals("0", r.value("heard.denied"));
        assertTrue(r.stderr().contains("WARN policy 'operated' is 2 per 1h, in shadow mode (refuses nothing) by "
                + "configuration (bulwark.ratelimit.operated.mode (file " + config + "))"), r.toString());
        assertTrue(r.stderr().contains("WARN policy 'operated' is in shadow mode: it would have refused 1 call "
                + "(latest: limit_exceeded)"), r.toString());
        assertFalse(r.stderr().contains("user-1"), "no key in the log");
    }

    @Test
    void everyPolicyInShadowModeThroughOneKey() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.ratelimit.mode=shadow")
                .run(OperateApp.class, "burst", "4").assertExit(0);
        assertEquals("0", r.value("refused"), r.toString());
        assertEquals("2", r.value("heard.shadow_denied"));
    }

    @Test
    void aModeOtherThanEnforceOrShadowStopsStartupNamingKeyValueAndWhatWasExpected() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.ratelimit.operated.mode=off")
                .run(OperateApp.class, "burst", "1").assertExit(78);
        assertTrue(r.stderr().contains("bulwark.ratelimit.operated.mode (system property) has value 'off': expected "
                + "enforce (refuse what the limit does not admit, the default) or shadow"), r.toString());
        assertFalse(r.stdout().contains("refused="), "the application must not have started:\n" + r);
    }
}
