package io.bulwark.runtime.config;

import io.bulwark.runtime.twofactor.TotpParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How second factors are made and kept: {@code bulwark.totp.*}. Where they are kept follows the audit's
 * {@code bulwark.jdbc.*} and {@code bulwark.data-dir}.
 *
 * @param key         the AES-256 key secrets are encrypted under ({@code bulwark.totp.key}), or null: then a key
 *                    made at random is kept under the data directory, which only a file store may use
 * @param oldKeys     earlier keys ({@code bulwark.totp.old-keys}): secrets under them still open, and are encrypted
 *                    again under {@link #key} when next used
 * @param issuer      the name authenticator apps show above the code ({@code bulwark.totp.issuer})
 * @param parameters  algorithm, digits and period of new enrollments ({@code bulwark.totp.algorithm|digits})
 * @param maxFailures wrong codes in a row that lock a factor ({@code bulwark.totp.max-failures})
 * @param enrollmentTtl how long an enrollment waits for its first code ({@code bulwark.totp.enrollment-ttl})
 */
public record TwoFactorSettings(byte[] key, List<byte[]> oldKeys, String issuer, TotpParameters parameters,
        int maxFailures, Duration enrollmentTtl) {

    public static final String DEFAULT_ISSUER = "Bulwark";
    public static final int DEFAULT_MAX_FAILURES = 10;
    public static final Duration DEFAULT_ENROLLMENT_TTL = Duration.ofMinutes(10);

    public TwoFactorSettings {
        key = key == null ? null : key.clone();
        oldKeys = copies(oldKeys);
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(parameters, "parameters");
    }

    public static TwoFactorSettings defaults() {
        return new TwoFactorSettings(null, List.of(), DEFAULT_ISSUER, TotpParameters.DEFAULT, DEFAULT_MAX_FAILURES,
                DEFAULT_ENROLLMENT_TTL);
    }

    public TwoFactorSettings withKey(byte[] current, List<byte[]> old) {
        return new TwoFactorSettings(current, old, issuer, parameters, maxFailures, enrollmentTtl);
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    @Override
    public List<byte[]> oldKeys() {
        return copies(oldKeys);
    }

    /** A loop rather than a stream: this runs in premain (see "Agent startup" in benchmarks/README.md). */
    private static List<byte[]> copies(List<byte[]> keys) {
        List<byte[]> copies = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            copies.add(key.clone());
        }
        return List.copyOf(copies);
    }

    @Override
    public String toString() {
        return "TwoFactorSettings[key=" + (key == null ? "none" : "<hidden>") + ", oldKeys=" + oldKeys.size()
                + ", issuer=" + issuer + ", parameters=" + parameters + ", maxFailures=" + maxFailures + "]";
    }
}
