package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.ResetApp;
import org.junit.jupiter.api.Test;

/** The public reset API, on the in-memory engine: clears exactly the key it names. */
class ResetIT {

    @Test
    void resetClearsOneKeysLockoutThroughThePublicApi() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().run(ResetApp.class).assertExit(0);
        assertTrue(r.value("before.3").startsWith("LockedOutException policy=reset-login"), r.toString());
        assertEquals("false", r.value("resetOther"));
        assertEquals("true", r.value("reset"));
        assertEquals("OK", r.value("after.1"));
    }
}
