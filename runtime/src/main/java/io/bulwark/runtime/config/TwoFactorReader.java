package io.bulwark.runtime.config;

import static io.bulwark.runtime.config.ConfigKey.TOTP_KEY;
import static io.bulwark.runtime.config.ConfigKey.TOTP_OLD_KEYS;

import io.bulwark.rules.DurationSyntax;
import io.bulwark.runtime.twofactor.TotpAlgorithm;
import io.bulwark.runtime.twofactor.TotpParameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code bulwark.totp.*} keys: the key that seals second factors, and how new enrollments are made. */
final class TwoFactorReader {

    private final ValueParser parser;
    private TwoFactorSettings s = TwoFactorSettings.defaults();

    TwoFactorReader(ValueParser parser) {
        this.parser = parser;
    }

    void read(ConfigKey key, ConfigEntry entry) {
        switch (key) {
            case TOTP_KEY -> s = s.withKey(aesKey(key, entry, entry.value()), s.oldKeys());
            case TOTP_OLD_KEYS -> {
                List<byte[]> old = new ArrayList<>();
                for (String part : entry.value().split(",")) {
                    byte[] oldKey = part.isBlank() ? null : aesKey(key, entry, part);
                    if (oldKey != null) { // null: not a key, and already a problem
                        old.add(oldKey);
                    }
                }
                s = s.withKey(s.key(), old);
            }
            case TOTP_ISSUER -> issuer(key, entry);
            case TOTP_ALGORITHM -> algorithm(key, entry);
            case TOTP_DIGITS -> {
                if (!entry.value().equals("6") && !entry.value().equals("8")) {
                    parser.refuse(key, entry);
                } else {
                    s = new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), new TotpParameters(
                            s.parameters().algorithm(), Integer.parseInt(entry.value()),
                            s.parameters().periodSeconds()), s.maxFailures(), s.enrollmentTtl());
                }
            }
            case TOTP_ENROLLMENT_TTL -> enrollmentTtl(key, entry);
            case TOTP_MAX_FAILURES -> s = new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), s.parameters(),
                    parser.number(key, entry), s.enrollmentTtl());
            default -> throw new IllegalStateException("not a two-factor key: " + key.key);
        }
    }

    /** The two-factor settings read; old keys only beside a current one. */
    TwoFactorSettings settings(Map<String, ConfigEntry> entries) {
        ConfigEntry oldKeys = entries.get(TOTP_OLD_KEYS.normalized());
        if (oldKeys != null && s.key() == null) {
            parser.add(oldKeys.key() + " (" + oldKeys.origin() + ") is set but " + TOTP_KEY.key + " is not: old keys "
                    + "are only read beside the current one");
        }
        return s;
    }

    private void issuer(ConfigKey key, ConfigEntry entry) {
        String issuer = entry.value();
        if (issuer.isBlank() || issuer.length() > 64 || issuer.contains(":") || !issuer.strip().equals(issuer)
                || ValueParser.hasControlCharacter(issuer)) {
            parser.refuse(key, entry);
            return;
        }
        s = new TwoFactorSettings(s.key(), s.oldKeys(), issuer, s.parameters(), s.maxFailures(), s.enrollmentTtl());
    }

    private void algorithm(ConfigKey key, ConfigEntry entry) {
        try {
            TotpAlgorithm algorithm = TotpAlgorithm.fromOtpauthName(entry.value().toUpperCase(Locale.ROOT));
            s = new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), new TotpParameters(algorithm,
                    s.parameters().digits(), s.parameters().periodSeconds()), s.maxFailures(), s.enrollmentTtl());
        } catch (IllegalArgumentException e) {
            parser.refuse(key, entry);
        }
    }

    /** Any positive duration is read first (and refused in those words), then held to the key's range. */
    private void enrollmentTtl(ConfigKey key, ConfigEntry entry) {
        Duration ttl;
        try {
            ttl = DurationSyntax.parse(entry.value());
        } catch (IllegalArgumentException e) {
            ttl = null;
        }
        if (ttl == null || ttl.isZero()) {
            parser.refuse(entry, KeySpec.POSITIVE_DURATION);
        } else if (ttl.compareTo(key.spec.minDuration) < 0 || ttl.compareTo(key.spec.maxDuration) > 0) {
            parser.refuse(key, entry);
        } else {
            s = new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), s.parameters(), s.maxFailures(), ttl);
        }
    }

    /** Exactly 32 bytes in Base64: an AES-256 key. */
    private byte[] aesKey(ConfigKey key, ConfigEntry entry, String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text.strip());
            if (bytes.length == 32) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        parser.refuse(key, entry);
        return null;
    }
}
