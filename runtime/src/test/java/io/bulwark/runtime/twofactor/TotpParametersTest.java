package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TotpParametersTest {

    @Test
    void defaultIsWhatEveryAppReads() {
        assertEquals(new TotpParameters(TotpAlgorithm.SHA1, 6, 30), TotpParameters.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 5, 7, 9, 10})
    void refusesDigitsOtherThanSixOrEight(int digits) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TotpParameters(TotpAlgorithm.SHA1, digits, 30));
        assertEquals("TOTP digits must be 6 or 8, was " + digits, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-30, 0, 1, 14, 301, 3600})
    void refusesPeriodsOutsideFifteenToThreeHundredSeconds(int period) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TotpParameters(TotpAlgorithm.SHA1, 6, period));
        assertEquals("TOTP period must be 15 to 300 seconds, was " + period, e.getMessage());
    }

    @Test
    void acceptsOtherPeriodsInRange() {
        assertEquals(2, new TotpParameters(TotpAlgorithm.SHA1, 6, 60).stepAt(Instant.ofEpochSecond(179)));
        assertEquals(Instant.ofEpochSecond(120), new TotpParameters(TotpAlgorithm.SHA1, 6, 60).stepStart(2));
    }

    @Test
    void stepCountsPeriodsSinceTheEpoch() {
        assertEquals(0, TotpParameters.DEFAULT.stepAt(Instant.EPOCH));
        assertEquals(0, TotpParameters.DEFAULT.stepAt(Instant.ofEpochSecond(29, 999_999_999)));
        assertEquals(1, TotpParameters.DEFAULT.stepAt(Instant.ofEpochSecond(30)));
        assertEquals(Instant.ofEpochSecond(1_111_111_110), TotpParameters.DEFAULT.stepStart(37_037_037));
    }

    @Test
    void refusesTimesBeforeTheEpoch() {
        assertThrows(IllegalArgumentException.class, () -> TotpParameters.DEFAULT.stepAt(Instant.ofEpochSecond(-1)));
        assertThrows(IllegalArgumentException.class, () -> TotpParameters.DEFAULT.stepStart(-1));
    }

    @Test
    void algorithmsCarryTheirJcaAndOtpauthNamesAndSecretSizes() {
        assertEquals("HmacSHA1", TotpAlgorithm.SHA1.jcaName());
        assertEquals("HmacSHA256", TotpAlgorithm.SHA256.jcaName());
        assertEquals("HmacSHA512", TotpAlgorithm.SHA512.jcaName());
        assertEquals("SHA1", TotpAlgorithm.SHA1.otpauthName());
        assertEquals("SHA256", TotpAlgorithm.SHA256.otpauthName());
        assertEquals("SHA512", TotpAlgorithm.SHA512.otpauthName());
        assertEquals(20, TotpAlgorithm.SHA1.secretBytes());
        assertEquals(32, TotpAlgorithm.SHA256.secretBytes());
        assertEquals(64, TotpAlgorithm.SHA512.secretBytes());
        for (TotpAlgorithm a : TotpAlgorithm.values()) {
            assertEquals(a, TotpAlgorithm.fromOtpauthName(a.otpauthName()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TotpAlgorithm.fromOtpauthName("MD5"));
        assertEquals("TOTP algorithm 'MD5' is not one of SHA1, SHA256, SHA512", e.getMessage());
    }
}
