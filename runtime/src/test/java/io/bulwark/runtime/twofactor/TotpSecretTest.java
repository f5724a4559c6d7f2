package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TotpSecretTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void generatesASecretOfTheHashOutputSize() {
        assertEquals(20, TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM).length());
        assertEquals(32, TotpSecret.generate(TotpAlgorithm.SHA256, RANDOM).length());
        assertEquals(64, TotpSecret.generate(TotpAlgorithm.SHA512, RANDOM).length());
    }

    @Test
    void generatesADifferentSecretEachTime() {
        byte[] a = TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM).bytes();
        byte[] b = TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM).bytes();
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void takesItsBytesFromTheGivenRandom() {
        SecureRandom fixed = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 7);
            }
        };
        byte[] sevens = new byte[20];
        Arrays.fill(sevens, (byte) 7);
        assertArrayEquals(sevens, TotpSecret.generate(TotpAlgorithm.SHA1, fixed).bytes());
    }

    @Test
    void toStringRevealsNeitherBytesNorBase32() {
        TotpSecret secret = TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM);
        String text = secret.toString();
        assertEquals("TotpSecret[20 bytes]", text);
        assertFalse(text.contains(secret.toBase32()));
        assertFalse(text.contains(HexFormat.of().formatHex(secret.bytes())));
    }

    @Test
    void keepsItsOwnCopyOfTheBytes() {
        byte[] bytes = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpSecret secret = TotpSecret.of(bytes);
        Arrays.fill(bytes, (byte) 0);
        byte[] copy = secret.bytes();
        assertEquals('1', copy[0]);
        Arrays.fill(copy, (byte) 0);
        assertEquals('1', secret.bytes()[0]);
    }

    @Test
    void destroyWipesTheBytesAndRefusesLaterUse() {
        TotpSecret secret = TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM);
        assertFalse(secret.isDestroyed());
        secret.destroy();
        assertTrue(secret.isDestroyed());
        assertEquals("TotpSecret[destroyed]", secret.toString());
        assertThrows(IllegalStateException.class, secret::bytes);
        assertThrows(IllegalStateException.class, secret::toBase32);
        assertThrows(IllegalStateException.class, () -> secret.key(TotpAlgorithm.SHA1));
    }

    @Test
    void readsBase32InEitherCase() {
        byte[] expected = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(expected, TotpSecret.fromBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").bytes());
        assertArrayEquals(expected, TotpSecret.fromBase32("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").bytes());
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", TotpSecret.of(expected).toBase32());
    }

    @Test
    void refusesSecretsShorterThan128Bits() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TotpSecret.of(new byte[15]));
        assertEquals("TOTP secret must be 16 to 128 bytes (RFC 4226 requires at least 128 bits), was 15",
                e.getMessage());
        // Google's documentation example, "Hello!" and 0xDEADBEEF, is 80 bits.
        assertThrows(IllegalArgumentException.class, () -> TotpSecret.fromBase32("JBSWY3DPEHPK3PXP"));
        TotpSecret.of(new byte[16]);
    }

    @Test
    void refusesSecretsLongerThan128Bytes() {
        assertThrows(IllegalArgumentException.class, () -> TotpSecret.of(new byte[129]));
        TotpSecret.of(new byte[128]);
    }

    @Test
    void equalsOnlyItself() {
        byte[] bytes = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpSecret secret = TotpSecret.of(bytes);
        assertEquals(secret, secret);
        assertNotEquals(TotpSecret.of(bytes), secret);
    }
}
