package io.bulwark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"PT0.25S, 250ms", "PT42S, 42s", "PT14M59.1S, 15m", "PT14M59S, 14m59s", "PT26H, 1d2h", "PT0S, 0s"})
    void formatsRoundingUp(String iso, String expected) {
        assertEquals(expected, Durations.format(Duration.parse(iso)));
    }
}
