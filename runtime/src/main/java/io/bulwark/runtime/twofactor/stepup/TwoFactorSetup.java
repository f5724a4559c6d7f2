package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.config.Settings;

/**
 * What the settings make of the two-factor engine, known without creating it: the agent's startup line describes
 * the engine, and premain should not load it (a dozen classes) for an application that may never ask for a second
 * factor. The engine itself is made on first use ({@code GuardRegistry}).
 */
public final class TwoFactorSetup {

    private TwoFactorSetup() {
    }

    /** Why the engine cannot work with these settings, or null. */
    public static String problem(Settings settings) {
        if (settings.twoFactor().key() == null && settings.audit().jdbc() != null) {
            return "bulwark.totp.key is not set: with bulwark.jdbc.url every instance reads the same second factors, "
                    + "so they must share the key they are encrypted under (openssl rand -base64 32)";
        }
        return null;
    }

    /** {@code second factors in files under bulwark-data/2fa, sessions in memory}: for the startup line. */
    public static String describe(Settings settings) {
        String problem = problem(settings);
        if (problem != null) {
            return "second factors unavailable (" + problem + ")";
        }
        return "second factors " + (settings.audit().jdbc() != null ? "in PostgreSQL (user_security_settings)"
                : "in files under " + settings.audit().dataDir().resolve("2fa"))
                + (settings.redis() != null ? ", sessions in Redis" : ", sessions in memory");
    }
}
