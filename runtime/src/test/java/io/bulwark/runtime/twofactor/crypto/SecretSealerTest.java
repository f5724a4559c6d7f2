package io.bulwark.runtime.twofactor.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.twofactor.TotpAlgorithm;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import io.bulwark.runtime.twofactor.crypto.SecretSealer.Slot;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] keyA = key();
    private final byte[] keyB = key();
    private final TotpParameters sha256 = new TotpParameters(TotpAlgorithm.SHA256, 8, 30);

    private static byte[] key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    @Test
    void aSealedSecretOpensWithItsParametersForItsUserAndSlot() throws Exception {
        SecretSealer sealer = new SecretSealer(KeyRing.of(keyA, List.of()), RANDOM);
        TotpSecret secret = TotpSecret.generate(TotpAlgorithm.SHA256, RANDOM);
        SealedSecret sealed = sealer.seal(secret, sha256, "alice", Slot.ACTIVE);
        SecretSealer.Opened opened = sealer.open(sealed, "alice", Slot.ACTIVE);
        assertArrayEquals(secret.bytes(), opened.secret().bytes());
        assertEquals(sha256, opened.parameters());
        assertFalse(opened.underOldKey());
        assertFalse(sealed.toString().contains(secret.toBase32()));
    }

    @Test
    void anotherUserAnotherSlotOrOneFlippedBitDoesNotOpen() {
        SecretSealer sealer = new SecretSealer(KeyRing.of(keyA, List.of()), RANDOM);
        SealedSecret sealed = sealer.seal(TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM), TotpParameters.DEFAULT,
                "alice", Slot.PENDING);
        assertThrows(SealedSecretException.class, () -> sealer.open(sealed, "bob", Slot.PENDING));
        assertThrows(SealedSecretException.class, () -> sealer.open(sealed, "alice", Slot.ACTIVE),
                "a pending secret moved to the active slot without its confirming code");
        // Lossless user encoding: two ids that UTF-8 would both write as "a?" stay apart.
        SealedSecret surrogate = sealer.seal(TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM), TotpParameters.DEFAULT,
                "a\uD800", Slot.ACTIVE);
        assertThrows(SealedSecretException.class, () -> sealer.open(surrogate, "a\uDC00", Slot.ACTIVE));
        for (int i = 0; i < sealed.blob().length; i++) {
            byte[] blob = sealed.blob();
            blob[i] ^= 1;
            SealedSecret flipped = new SealedSecret(sealed.keyId(), blob);
            assertThrows(SealedSecretException.class, () -> sealer.open(flipped, "alice", Slot.PENDING),
                    "bit flipped in byte " + i);
        }
    }

    @Test
    void oldKeysOpenAndSayTheyAreOldAndUnknownKeysAreNamedByIdOnly() throws Exception {
        SealedSecret underA = new SecretSealer(KeyRing.of(keyA, List.of()), RANDOM).seal(
                TotpSecret.generate(TotpAlgorithm.SHA1, RANDOM), TotpParameters.DEFAULT, "alice", Slot.ACTIVE);
        SecretSealer rotated = new SecretSealer(KeyRing.of(keyB, List.of(keyA)), RANDOM);
        assertTrue(rotated.open(underA, "alice", Slot.ACTIVE).underOldKey());
        SecretSealer forgotten = new SecretSealer(KeyRing.of(keyB, List.of()), RANDOM);
        SealedSecretException e = assertThrows(SealedSecretException.class,
                () -> forgotten.open(underA, "alice", Slot.ACTIVE));
        assertTrue(e.getMessage().contains(underA.keyId()) && e.getMessage().contains("bulwark.totp.old-keys"));
        assertEquals(17, underA.keyId().length());
    }
}
