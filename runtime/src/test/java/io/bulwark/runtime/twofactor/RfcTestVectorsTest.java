package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test vectors of RFC 4226 Appendix D and RFC 6238 Appendix B, through the generator and the verifier. */
class RfcTestVectorsTest {

    private static TotpSecret seed(String ascii) {
        return TotpSecret.of(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** RFC 6238 Appendix A: each hash has a seed of its output size, "1234567890" repeated. */
    private static TotpSecret seedFor(TotpAlgorithm algorithm) {
        return switch (algorithm) {
            case SHA1 -> seed("12345678901234567890");
            case SHA256 -> seed("12345678901234567890123456789012");
            case SHA512 -> seed("1234567890123456789012345678901234567890123456789012345678901234");
        };
    }

    @Test
    void hotpMatchesRfc4226AppendixD() {
        String[] expected = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
                "399871", "520489"};
        Mac mac = Hotp.mac(TotpAlgorithm.SHA1, seed("12345678901234567890"));
        byte[] ascii = new byte[6];
        for (int counter = 0; counter < expected.length; counter++) {
            Hotp.ascii(Hotp.code(mac, counter, 6), 6, ascii);
            assertEquals(expected[counter], new String(ascii, StandardCharsets.US_ASCII), "counter " + counter);
        }
    }

    @Test
    void rfc6238SeedsHaveTheHashOutputSize() {
        for (TotpAlgorithm algorithm : TotpAlgorithm.values()) {
            assertEquals(algorithm.secretBytes(), seedFor(algorithm).length(), algorithm.name());
        }
    }

    @ParameterizedTest(name = "{0} s, {1}")
    @CsvSource({
        "59,          0000000000000001, SHA1,   94287082",
        "59,          0000000000000001, SHA256, 46119246",
        "59,          0000000000000001, SHA512, 90693936",
        "1111111109,  00000000023523EC, SHA1,   07081804",
        "1111111109,  00000000023523EC, SHA256, 68084774",
        "1111111109,  00000000023523EC, SHA512, 25091201",
        "1111111111,  00000000023523ED, SHA1,   14050471",
        "1111111111,  00000000023523ED, SHA256, 67062674",
        "1111111111,  00000000023523ED, SHA512, 99943326",
        "1234567890,  000000000273EF07, SHA1,   89005924",
        "1234567890,  000000000273EF07, SHA256, 91819424",
        "1234567890,  000000000273EF07, SHA512, 93441116",
        "2000000000,  0000000003F940AA, SHA1,   69279037",
        "2000000000,  0000000003F940AA, SHA256, 90698825",
        "2000000000,  0000000003F940AA, SHA512, 38618901",
        "20000000000, 0000000027BC86AA, SHA1,   65353130",
        "20000000000, 0000000027BC86AA, SHA256, 77737706",
        "20000000000, 0000000027BC86AA, SHA512, 47863826",
    })
    void totpMatchesRfc6238AppendixB(long epochSecond, String stepHex, TotpAlgorithm algorithm, String expected) {
        TotpParameters parameters = new TotpParameters(algorithm, 8, 30);
        Instant at = Instant.ofEpochSecond(epochSecond);
        long step = Long.parseUnsignedLong(stepHex, 16);
        TotpSecret secret = seedFor(algorithm);

        assertEquals(step, parameters.stepAt(at));
        assertEquals(expected, new TotpGenerator(parameters).codeAt(secret, at));
        assertEquals(OptionalLong.of(step), new TotpVerifier(parameters, 0).verify(secret, expected, at));
        assertEquals(OptionalLong.of(step), new TotpVerifier(parameters, 1).verify(secret, expected, at));
    }
}
