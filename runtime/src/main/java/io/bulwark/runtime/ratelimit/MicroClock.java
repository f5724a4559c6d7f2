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
        // A class, not a lambda: created in premain, where the first lambda would spin the JDK's lambda machinery.
        return new MicroClock() {
            @Override
            public long micros() {
                return (System.nanoTime() - origin) / 1_000 + 1_000_000_000L;
            }
        };
    }
}
