package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.ForeignByteBuddyApp;
import io.bulwark.agent.e2e.apps.TamperApp;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The agent's own dependencies stay out of the application's sight, and the API exists once. */
class IsolationIT {

    @Test
    void anApplicationBundlingItsOwnByteBuddyRunsUnchangedBesideTheAgent() throws Exception {
        Path foreign = Path.of(ForkedJvm.required("bulwark.e2e.foreign-bytebuddy"));
        ForkedJvm.Result r = new ForkedJvm().classpath(foreign).run(ForeignByteBuddyApp.class).assertExit(0);
        assertEquals("made by the app's Byte Buddy", r.value("made"));
        assertTrue(r.value("byteBuddyJar").endsWith("foreign-byte-buddy.jar"), r.toString());
        assertEquals("false", r.value("runtimeVisible"));
        assertEquals("false", r.value("agentAsmVisible"));
        assertEquals("OK", r.value("guarded.1"));
        assertTrue(r.value("guarded.2").startsWith("RateLimitedException policy=guarded"), r.toString());
    }

    /**
     * The API is defined in the bootstrap loader (see BootstrapApi) without putting the agent jar on the bootstrap
     * path, which would make the JVM warn that it shares fewer classes; and reaching the JDK's internals to do so
     * opens them to the agent's own loader, not to the application.
     */
    @Test
    void theApiIsLoadedOnceInTheBootstrapLoaderEvenWhenTheApplicationBundlesIt() throws Exception {
        Path foreign = Path.of(ForkedJvm.required("bulwark.e2e.foreign-bytebuddy"));
        // The application's class path carries bulwark-annotations too (ForkedJvm's default); the bootstrap copy wins.
        ForkedJvm.Result r = new ForkedJvm().classpath(foreign).run(ForeignByteBuddyApp.class).assertExit(0);
        assertEquals("null", r.value("apiLoader"));
        assertEquals("false", r.value("jdkInternalsExported"));
        assertFalse(r.stderr().contains("bootstrap classpath has been appended"), r.toString());
    }

    /**
     * Issue 16: {@code setAccessible} on the bridge's runtime field used to replace the guards with a no-op. The API is
     * now in a named module that opens nothing, the runtime in a final field of a record: reflection, a private lookup
     * and sun.misc.Unsafe's field offsets are all refused, and the guard still counts.
     */
    @Test
    void reflectionCannotSwitchTheGuardsOff() throws Exception {
        ForkedJvm.Result r = new ForkedJvm().run(TamperApp.class).assertExit(0);
        assertEquals("io.bulwark", r.value("apiModule"), r.toString());
        assertTrue(Integer.parseInt(r.value("runtimeFields")) >= 1, r.toString());
        for (String line : r.stdout().lines().toList()) {
            if (line.startsWith("setAccessible.") || line.startsWith("privateLookup.") || line.startsWith("unsafe.")
                    || line.startsWith("twoFactorEngine=")) {
                assertTrue(line.contains("=REFUSED "), r.toString());
            }
        }
        assertTrue(r.value("unsafe.RUNTIME").contains("UnsupportedOperationException"), r.toString());
        assertEquals("OK", r.value("guarded.1"));
        assertTrue(r.value("guarded.2").startsWith("RateLimitedException policy=tamper"), r.toString());
    }
}
