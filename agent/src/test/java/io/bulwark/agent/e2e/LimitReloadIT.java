package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.OperateApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's configuration file edited while a forked JVM runs: a raised limit applies to both guarded methods of
 * the policy without a restart, and an invalid edit is refused while the running limit keeps applying.
 */
class LimitReloadIT {

    /**
     * Generous for a loaded build machine; the watch itself looks twice a second (docs/rate-limits.md: within 2
     * seconds).
     */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private int seq;

    private String call(ForkedJvm.Running app, String line) throws IOException, InterruptedException {
        app.send(line);
        String prefix = "r" + (++seq) + "=";
        return app.awaitLine(prefix, PATIENCE).substring(prefix.length());
    }

    private static void write(Path file, String content) throws IOException {
        // As editors and configuration tools do: a new file moved into place.
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aRaisedLimitAppliesWithoutARestartAndAnInvalidEditIsRefused() throws Exception {
        Path config = dir.resolve("bulwark.properties");
        write(config, "bulwark.ratelimit.operated.limit=2\n");
        try (ForkedJvm.Running app = new ForkedJvm().agentArgument("config=" + config)
                .start(OperateApp.class.getName(), "interactive")) {
            app.awaitLine("ready=", PATIENCE);
            assertEquals("OK", call(app, "a alice"));
            assertEquals("OK", call(app, "b alice"));
            assertEquals("REFUSED limit=2", call(app, "a alice"));

            write(config, "bulwark.ratelimit.operated.limit=4\nbulwark.ratelimit.max-keys=5000\n");
            long start = System.nanoTime();
            String answer = call(app, "b alice");
            while (answer.equals("REFUSED limit=2") && System.nanoTime() - start < PATIENCE.toNanos()) {
                Thread.sleep(50);
                answer = call(app, "b alice");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("REFUSED limit=4", answer, "Alice had spent all of her limit; she is told the new one\n"
                    + app.stderr());
            System.out.println("a limit raised in the file applied after " + millis + " ms");
            for (int i = 0; i < 4; i++) {
                assertEquals("OK", call(app, (i % 2 == 0 ? "a" : "b") + " carol"), "both methods of the policy");
            }
            assertEquals("REFUSED limit=4", call(app, "a carol"));
            assertTrue(app.stderr().contains("INFO policy 'operated' is now 4 per 1h (was 2 per 1h)"), app.stderr());
            assertTrue(app.stderr().contains("changed bulwark.ratelimit.max-keys: it takes effect at the next "
                    + "restart"), app.stderr());

            write(config, "bulwark.ratelimit.operated.limit=several\n");
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!app.stderr().contains("has value 'several'") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(app.stderr().contains("ERROR configuration file " + config + " changed but is not valid; "
                    + "nothing of it applies, the running values are kept: bulwark.ratelimit.operated.limit (file "
                    + config + ") has value 'several': expected a whole number from 1 to 1000000000"), app.stderr());
            for (int i = 0; i < 4; i++) {
                assertEquals("OK", call(app, (i % 2 == 0 ? "a" : "b") + " bob"));
            }
            assertEquals("REFUSED limit=4", call(app, "a bob"), "the limit of 4 still applies");
        }
    }
}
