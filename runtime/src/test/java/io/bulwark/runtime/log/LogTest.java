package io.bulwark.runtime.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogTest {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    @Test
    void timestampsAreIsoInstantsWithNanosecondsAsJavaTimeWritesThem() {
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59.999999999Z",
                "2026-12-02T04:21:47.672018531Z", "2100-03-01T00:00:00.000000001Z", "1969-12-31T23:59:59Z",
                "9999-12-31T23:59:59.5Z"}) {
            Instant t = Instant.parse(edge);
            assertEquals(ISO.format(t), Log.timestamp(t), edge);
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000));
            assertEquals(ISO.format(t), Log.timestamp(t));
        }
    }
}
