package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.QuotaApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Switching the agent off, configuring it, and refusing to start on bad configuration. */
class AgentSwitchesIT {

    @TempDir
    Path dir;

    @Test
    void disabledAgentGuardsNothingAndSaysSo() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.enabled=false").run(QuotaApp.class).assertExit(0);
        assertEquals("false", r.value("agentActive"));
        assertEquals("OK", r.value("public.4"));
        assertTrue(r.stderr().contains("is disabled (bulwark.enabled=false): no method is guarded"), r.toString());
    }

    @Test
    void disabledThroughTheEnvironmentToo() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().env("BULWARK_ENABLED", "false").run(QuotaApp.class).assertExit(0);
        assertEquals("OK", r.value("public.4"));
    }

    @Test
    void aBadValueStopsStartupNamingTheKeyTheValueAndWhatWasExpected() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.ratelimit.public.limit=lots").run(QuotaApp.class)
                .assertExit(78);
        assertTrue(r.stderr().contains("[bulwark] configuration error; the JVM will not start:"), r.toString());
        assertTrue(r.stderr().contains("bulwark.ratelimit.public.limit (system property) has value 'lots': expected a "
                + "whole number from 1 to 1000000000"), r.toString());
        assertFalse(r.stdout().contains("agentActive"), "the application must not have started:\n" + r);
    }

    @Test
    void aMisspelledKeyStopsStartupWithASuggestion() throws Exception {
        Path config = dir.resolve("bulwark.properties");
        Files.writeString(config, "bulwark.enabeld=true\n");
        ForkedJvm.Result r = new ForkedJvm().agentArgument("config=" + config).run(QuotaApp.class).assertExit(78);
        assertTrue(r.stderr().contains("bulwark.enabeld (file " + config + ") is not a Bulwark configuration key"),
                r.toString());
        assertTrue(r.stderr().contains("did you mean 'bulwark.enabled'?"), r.toString());
    }

    @Test
    void limitsChangeThroughTheConfigFileAndTheEnvironmentWithoutRecompiling() throws Exception {
        Path config = dir.resolve("bulwark.properties");
        Files.writeString(config, "bulwark.ratelimit.public.limit=1\nbulwark.ratelimit.private.window=1h\n");
        ForkedJvm.Result r = new ForkedJvm().agentArgument("config=" + config)
                .env("BULWARK_RATELIMIT_STATIC_LIMIT", "3").run(QuotaApp.class).assertExit(0);
        assertTrue(r.value("public.2").startsWith("RateLimitedException policy=public limit=1 "), r.toString());
        assertTrue(r.value("private.3").endsWith("retryAfter=1800 status=429"), r.toString());
        assertEquals("OK", r.value("static.3"));
        assertTrue(r.stderr().contains("policy 'public' is 1 per 1m by configuration"), r.toString());
    }

    /**
     * With verification off ({@code -Xverify:none}, or its diagnostic form, which JDK 25 still has), the JVM resolves
     * the agent's boot classes lazily: after the agent jar has joined the bootstrap path, where an inaccessible second
     * copy would be found. The agent starts and guards all the same.
     */
    @Test
    void startsAndGuardsWithBytecodeVerificationOff() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().option("-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote")
                .run(QuotaApp.class).assertExit(0);
        assertEquals("true", r.value("agentActive"));
        assertEquals("OK", r.value("public.3"));
        assertTrue(r.value("public.4").startsWith("RateLimitedException policy=public limit=3 "), r.toString());
    }

    @Test
    void withoutTheAgentTheApplicationRunsAndKnowsItIsUnguarded() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().withoutAgent().run(QuotaApp.class).assertExit(0);
        assertEquals("false", r.value("agentActive"));
        assertEquals("OK", r.value("public.4"));
    }
}
