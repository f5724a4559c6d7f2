package io.bulwark.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationSyntaxTest {

    @ParameterizedTest
    @CsvSource({
        "30s, PT30S", "5m, PT5M", "1h, PT1H", "1d, PT24H", "500ms, PT0.5S", "1h30m, PT1H30M", "0, PT0S",
        "PT90S, PT1M30S", "pt5m, PT5M", "366d, PT8784H"
    })
    void parsesCompactAndIsoDurations(String text, String expected) {
        assertEquals(Duration.parse(expected), DurationSyntax.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5 m", " 5m", "5M", "-5m", "5x", "m", "1.5h", "PT-5M", "367d", "P400D",
        "9999999999s", "+5m", "５m"})
    void rejectsAnythingElseNamingTheTextAndTheExpectedForm(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationSyntax.parse(text));
        assertEquals("'" + text + "' is not a duration: expected " + DurationSyntax.EXPECTED, e.getMessage());
    }
}
