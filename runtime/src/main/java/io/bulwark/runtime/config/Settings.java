package io.bulwark.runtime.config;

import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bulwark's configuration, validated: what {@link ConfigLoader} makes of the agent argument, system properties
 * and environment. Immutable.
 *
 * @param enabled       {@code bulwark.enabled}: false turns the agent off entirely
 * @param scanAnnotations {@code bulwark.scan=annotations} (the default): besides the classes the processor's index
 *                      lists, weave the classes whose class file names a guard annotation (compiled without the
 *                      processor); false ({@code bulwark.scan=index}) for the index only
 * @param requireWoven  {@code bulwark.require-woven}: a method the index lists that cannot be woven must not run
 * @param scanPackages  {@code bulwark.scan.packages}: package prefixes the annotation check looks in (never narrows
 *                      the index); empty for all
 * @param logLevel      {@code bulwark.log.level}
 * @param maxKeys       {@code bulwark.ratelimit.max-keys}: rate-limit keys the in-memory engine holds at most
 * @param algorithm     {@code bulwark.ratelimit.algorithm}: how {@code count = CALLS} policies count by default
 * @param redis         {@code bulwark.redis.*}, or null to keep limits in this JVM's memory
 * @param overrides     {@code bulwark.ratelimit.<name>.limit|window|lockout|algorithm}, by normalized policy name
 * @param audit         {@code bulwark.data-dir}, {@code bulwark.jdbc.*}, {@code bulwark.audit.*}
 * @param twoFactor     {@code bulwark.totp.*}
 * @param maxMemory     {@code bulwark.ratelimit.max-memory}: bytes the in-memory engine's state may take; 0 for the
 *                      default (a share of the heap)
 * @param ipv6Prefix    {@code bulwark.ratelimit.ipv6-prefix}: how many leading bits of an IPv6 caller address make
 *                      its {@code {caller.ip}} key (48 to 128)
 * @param rateLimitMode {@code bulwark.ratelimit.mode}: whether policies refuse, or only report (shadow mode), unless
 *                      {@code bulwark.ratelimit.<name>.mode} says otherwise for one
 */
public record Settings(boolean enabled, boolean scanAnnotations, boolean requireWoven, List<String> scanPackages,
        Log.Level logLevel, int maxKeys, Algorithm algorithm, RedisSettings redis,
        Map<String, PolicyOverride> overrides, AuditSettings audit, TwoFactorSettings twoFactor, long maxMemory,
        int ipv6Prefix, Mode rateLimitMode) {

    public static final int DEFAULT_MAX_KEYS = 1_000_000;
    /** A subscriber's network: one key however the client rotates addresses inside its /64. */
    public static final int DEFAULT_IPV6_PREFIX = 64;

    public Settings {
        scanPackages = List.copyOf(scanPackages);
        overrides = Map.copyOf(overrides);
    }

    /** Everything at its default: enabled, scan everything, in-memory limits. */
    public static Settings defaults() {
        return new Settings(true, true, false, List.of(), Log.Level.INFO, DEFAULT_MAX_KEYS, Algorithm.GCRA, null,
                Map.of(), AuditSettings.defaults(), TwoFactorSettings.defaults(), 0, DEFAULT_IPV6_PREFIX, Mode.ENFORCE);
    }

    /** The override configured for {@code policyName}, whichever spelling the configuration used. */
    public Optional<PolicyOverride> override(String policyName) {
        return Optional.ofNullable(overrides.get(ConfigEntry.normalize(policyName)));
    }

    /** The same settings with another store: what tests use to point at their Redis. */
    public Settings withRedis(RedisSettings store) {
        return new Settings(enabled, scanAnnotations, requireWoven, scanPackages, logLevel, maxKeys, algorithm, store,
                overrides, audit, twoFactor, maxMemory, ipv6Prefix, rateLimitMode);
    }

    /** The same settings with another audit store: what tests use to point at their data directory and database. */
    public Settings withAudit(AuditSettings store) {
        return new Settings(enabled, scanAnnotations, requireWoven, scanPackages, logLevel, maxKeys, algorithm, redis,
                overrides, store, twoFactor, maxMemory, ipv6Prefix, rateLimitMode);
    }

    /** The same settings with other two-factor settings: what tests use for their keys. */
    public Settings withTwoFactor(TwoFactorSettings settings) {
        return new Settings(enabled, scanAnnotations, requireWoven, scanPackages, logLevel, maxKeys, algorithm, redis,
                overrides, audit, settings, maxMemory, ipv6Prefix, rateLimitMode);
    }

    /** The same settings in another mode: what tests use for shadow mode. */
    public Settings withRateLimitMode(Mode mode) {
        return new Settings(enabled, scanAnnotations, requireWoven, scanPackages, logLevel, maxKeys, algorithm, redis,
                overrides, audit, twoFactor, maxMemory, ipv6Prefix, mode);
    }

    /**
     * Replaces a policy's limit, window, lockout, algorithm or mode without recompiling; {@code null} leaves it as
     * declared (the mode: as {@code bulwark.ratelimit.mode} says).
     *
     * @param source the keys it came from, for the log
     */
    public record PolicyOverride(Integer limit, Duration window, Duration lockout, Algorithm algorithm, Mode mode,
            String source) {
    }
}
