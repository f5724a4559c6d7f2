package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.MonitoredApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Decisions of a woven method heard by JFR and by the application's own listener, in a forked JVM. */
class MonitoringEndToEndIT {

    private static final int FLOOD = 20_000;

    @TempDir
    Path dir;

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aRecordingShowsRefusalsThrottledButAddingUpAndTheAdmittedCallsCounted(Path javaHome) throws Exception {
        Path recording = dir.resolve("bulwark.jfr");
        ForkedJvm.Result r = new ForkedJvm().java(javaHome)
                .option("-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true")
                .run(MonitoredApp.class, Integer.toString(FLOOD)).assertExit(0);
        long refused = Long.parseLong(r.value("refused"));
        assertEquals(FLOOD + 64 - 3, refused, r.toString());
        assertEquals("3", r.value("listener.allowed"), "the application's listener hears every decision");
        assertEquals(Long.toString(refused), r.value("listener.denied"));
        assertEquals("3", r.value("counts.allowed"), "Bulwark.rateLimitCounts");
        assertEquals("true", r.value("status.healthy"));

        List<RecordedEvent> all = RecordingFile.readAllEvents(recording);
        List<RecordedEvent> events = all.stream()
                .filter(e -> e.getEventType().getName().equals("bulwark.RateLimitDecision")).toList();
        List<RecordedEvent> denied = events.stream().filter(e -> e.getString("outcome").equals("denied")).toList();
        assertEquals(denied.size(), events.size(), "admitted calls are counted, not recorded one by one: " + events);
        // Admitted calls: a periodic event per policy (every second), the count read then.
        List<RecordedEvent> counts = all.stream()
                .filter(e -> e.getEventType().getName().equals("bulwark.RateLimitCounts"))
                .filter(e -> e.getString("policy").equals("jfr-quota")).toList();
        assertFalse(counts.isEmpty(), "bulwark.RateLimitCounts recorded");
        assertEquals(3L, counts.stream().mapToLong(e -> e.getLong("allowed")).max().orElse(-1), counts.toString());
        assertEquals(0L, counts.get(counts.size() - 1).getLong("allowedWithoutStore"));
        for (RecordedEvent e : events) {
            assertEquals("jfr-quota", e.getString("policy"));
            assertEquals("memory", e.getString("store"));
            assertEquals(0L, e.getLong("storeLatency"));
            assertFalse(e.toString().contains("secret-user"), "no key value in a recording: " + e);
        }
        assertTrue(denied.stream().allMatch(e -> e.getString("reason").equals("limit_exceeded")));
        long recordedOrSuppressed = denied.stream().mapToLong(e -> 1 + e.getLong("suppressed")).sum();
        assertEquals(refused, recordedOrSuppressed, "every refusal is recorded or counted in the next one recorded");
        assertTrue(denied.size() < refused / 10, denied.size() + " refusals recorded of " + refused
                + ": a flood does not swamp the recording (at most 100 a second)");
    }

    @Test
    void withoutARecordingNoJfrClassIsLoadedAndListenersStillHearEverything() throws Exception {
        Path classes = dir.resolve("classes.txt");
        ForkedJvm.Result r = new ForkedJvm().option("-Xlog:class+load=info:file=" + classes)
                .run(MonitoredApp.class, "1000").assertExit(0);
        assertEquals("3", r.value("listener.allowed"));
        assertEquals(r.value("refused"), r.value("listener.denied"));
        // FlightRecorder itself is loaded to read its "started" flag; loading an event class would set JFR up (about
        // 100 of its classes, which this test saw before JfrRecorder).
        List<String> jfr = Files.readAllLines(classes).stream().filter(line -> line.contains(" jdk.jfr."))
                .filter(line -> !line.contains(" jdk.jfr.FlightRecorder source:")).toList();
        assertEquals(List.of(), jfr, "JFR is not set up by a JVM that does not record");
    }
}
