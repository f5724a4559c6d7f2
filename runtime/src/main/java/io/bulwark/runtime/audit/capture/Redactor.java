package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What stands in for a redacted value: nothing ({@code DROP}), {@code "[redacted]"} ({@code MASK}) or a keyed hash
 * ({@code HASH}). The hash is HMAC-SHA-256 under the installation's key, cut to 128 bits: equal values match across
 * events, and without the key a short secret cannot be found by hashing guesses.
 */
public final class Redactor {

    public static final String MASK = "[redacted]";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /** @param key at least 32 bytes; copied */
    public Redactor(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the audit hash key must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** {@code hmac:<22 characters>} for {@code bytes}. */
    public String hash(byte[] bytes) {
        Mac mac = macs.get();
        byte[] digest = mac.doFinal(bytes);
        return "hmac:" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
    }

    public String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The stand-in text for {@code mode} ({@code DROP} has none: the caller leaves the member out). */
    static boolean drops(Redact.Mode mode) {
        return mode == Redact.Mode.DROP;
    }
}
