package io.bulwark.runtime.ratelimit;

/** A clock in microseconds; tests inject a manual one. */
@FunctionalInterface
public interface MicroClock {

    long micros();

    /**
     * Monotonic microseconds (from {@link System#nanoTime()}): an NTP step of the wall clock neither frees nor
     * extends anybody's lockout.
     */
    static MicroClock monotonic() {
        long origin = System.nanoTime();
        return () -> (System.nanoTime() - origin) / 1_000 + 1_000_000_000L;
    }
}
