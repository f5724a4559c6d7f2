package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.ForeignByteBuddyApp;
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
        assertEquals("false", r.value("agentByteBuddyVisible"));
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
}
