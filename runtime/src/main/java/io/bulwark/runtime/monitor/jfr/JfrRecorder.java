package io.bulwark.runtime.monitor.jfr;

import jdk.jfr.FlightRecorder;

/**
 * Whether JFR has started in this JVM, asked before anything touches Bulwark's event classes: the first load of an
 * event class makes JFR set itself up (some 100 of its classes, a lambda spun), which no application that never
 * records should pay for on its first guarded call. {@link FlightRecorder#isInitialized()} reads a flag and sets up
 * nothing; it turns true when a recording starts, at startup ({@code -XX:StartFlightRecording}) or later
 * ({@code jcmd <pid> JFR.start}), and the events are then loaded and enabled as JFR says.
 */
public final class JfrRecorder {

    private JfrRecorder() {
    }

    public static boolean started() {
        return FlightRecorder.isInitialized();
    }
}
