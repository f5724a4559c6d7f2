package io.bulwark.runtime.audit.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Timestamps as binary COPY sends them: microseconds since 2000, and never a wrapped-around valid time. */
class CopyRowsTest {

    private static final long REFUSED = -211_813_488_000_000_000L - 1;

    private static long unixMicros(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    @Test
    void timesCountFromPostgresEpoch() {
        assertEquals(0, CopyRows.timestamp(unixMicros("2000-01-01T00:00:00Z")));
        assertEquals(-946_684_800_000_000L, CopyRows.timestamp(0));
        assertEquals(848_664_000_123_456L, CopyRows.timestamp(unixMicros("2026-11-22T12:00:00.123456Z")));
    }

    @Test
    void timesOutsideTimestamptzBecomeOnePostgresRefuses() {
        // The ShipperTest shows PostgreSQL refusing this value (22008) and the row set aside.
        assertEquals(REFUSED, CopyRows.timestamp(-9_000_000_000_000_000_000L));
        // Subtracting the epoch would wrap this one round to a valid time in the year 290,000.
        assertEquals(REFUSED, CopyRows.timestamp(Long.MIN_VALUE));
    }
}
