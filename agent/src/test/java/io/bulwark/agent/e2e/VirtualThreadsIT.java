package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.VirtualThreadsApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Caller binding and a keyed guard on 10,000 virtual threads, on every JDK 21+ the tests find (JDK 25 on these
 * machines; none found is a configuration error, not a skip). Pinning is checked with the JFR event
 * {@code jdk.VirtualThreadPinned} (threshold 0, with stack traces), which JDK 21 emits for a thread parked while
 * holding a monitor and JDK 24+ (where monitors no longer pin, and {@code jdk.tracePinnedThreads} is gone) for
 * what still pins: the check can fail, as the app's control, parking in a class initializer, proves each run. On
 * JDK 21-23 {@code -Djdk.tracePinnedThreads=full} is set too, and its output must name no Bulwark frame.
 */
class VirtualThreadsIT {

    private static final int THREADS = 10_000;

    @TempDir
    Path dir;

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream().filter(home -> Jdks.feature(home) >= 21);
    }

    /**
     * The recording holds the pinning event only. With Bulwark's own events recorded too, JFR's commit of an event
     * (the JDK's code) was once seen contending for a monitor for 66 µs and pinning: the price of recording any event
     * from a virtual thread, which this test does not measure.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void everyVirtualThreadSeesItsOwnCallerAndKeyAndNoGuardedCallPinsItsCarrier(Path javaHome) throws Exception {
        Path settings = dir.resolve("pinned.jfc");
        Files.writeString(settings, """
                <?xml version="1.0" encoding="UTF-8"?>
                <configuration version="2.0">
                  <event name="jdk.VirtualThreadPinned">
                    <setting name="enabled">true</setting>
                    <setting name="stackTrace">true</setting>
                    <setting name="threshold">0 ms</setting>
                  </event>
                  <event name="bulwark.RateLimitDecision"><setting name="enabled">false</setting></event>
                  <event name="bulwark.StepUp"><setting name="enabled">false</setting></event>
                  <event name="bulwark.AuditShip"><setting name="enabled">false</setting></event>
                  <event name="bulwark.StoreState"><setting name="enabled">false</setting></event>
                </configuration>
                """);
        Path recording = dir.resolve("pinned.jfr");
        List<String> options = new ArrayList<>(List.of("-XX:StartFlightRecording=filename=" + recording
                + ",settings=" + settings + ",dumponexit=true", "-Dbulwark.data-dir=" + dir.resolve("data")));
        boolean trace = Jdks.feature(javaHome) < 24;
        if (trace) {
            options.add("-Djdk.tracePinnedThreads=full");
        }
        ForkedJvm.Result r = new ForkedJvm().java(javaHome).option(options.toArray(String[]::new))
                .run(VirtualThreadsApp.class, String.valueOf(THREADS)).assertExit(0);
        assertEquals(String.valueOf(2 * THREADS), r.value("admitted"), r.toString());
        assertEquals(String.valueOf(THREADS), r.value("refused"));
        assertEquals(String.valueOf(2 * THREADS), r.value("ownCaller"), "inside the method, each its own caller");
        assertEquals("0", r.value("wrong"));
        assertEquals("done", r.value("control"));

        List<String> events = pinnedEvents(javaHome, recording);
        assertTrue(events.stream().anyMatch(e -> e.contains("VirtualThreadsApp$PinnedControl.<clinit>")),
                "the control pinned its carrier and was recorded, so the check can see pinning: " + events);
        for (String event : events) {
            assertFalse(bulwarkFrame(event), "a guarded call pinned its carrier:\n" + event);
        }
        if (trace) {
            for (String line : r.stdout().lines().toList()) {
                assertFalse(line.contains("io.bulwark.") && !line.contains("io.bulwark.agent.e2e.apps."),
                        "jdk.tracePinnedThreads named a Bulwark frame: " + r.stdout());
            }
        }
    }

    /** A frame of Bulwark's own code (not of the test application, which lives under io.bulwark too). */
    private static boolean bulwarkFrame(String event) {
        for (String line : event.lines().toList()) {
            if (line.contains("io.bulwark.") && !line.contains("io.bulwark.agent.e2e.apps.")) {
                return true;
            }
        }
        return false;
    }

    /** Each jdk.VirtualThreadPinned event of the recording, as {@code jfr print} writes it. */
    private List<String> pinnedEvents(Path javaHome, Path recording) throws Exception {
        Path out = dir.resolve("events.txt");
        Process jfr = new ProcessBuilder(javaHome.resolve("bin/jfr").toString(), "print", "--events",
                "jdk.VirtualThreadPinned", "--stack-depth", "64", recording.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(jfr.waitFor(60, TimeUnit.SECONDS), "jfr print did not finish");
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, jfr.exitValue(), text);
        List<String> events = new ArrayList<>();
        for (String part : text.split("jdk\\.VirtualThreadPinned \\{")) {
            if (part.contains("startTime")) {
                events.add(part);
            }
        }
        return events;
    }
}
