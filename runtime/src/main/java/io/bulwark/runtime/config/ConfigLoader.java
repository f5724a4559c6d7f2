package io.bulwark.runtime.config;

import io.bulwark.runtime.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the configuration ({@link ConfigSources}: the file, system properties, the environment) and checks every value
 * once against its key in {@link ConfigKey}, the table of keys; all problems are reported together. Each area's keys
 * are applied by a reader of their own ({@link RateLimitReader}, {@link RedisReader}, {@link AuditReader},
 * {@link TwoFactorReader}); the few general keys, here.
 *
 * <p>This runs in premain: no lambdas, streams, regular expressions or {@code String.format} on its path (see
 * {@link ValueParser}).
 */
public final class ConfigLoader {

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final ValueParser parser = new ValueParser(problems);

    private ConfigLoader() {
    }

    /**
     * @param agentArgument what follows {@code =} in {@code -javaagent:bulwark-agent.jar=...}, or null
     * @throws ConfigException naming every bad key, its origin, its value and what was expected
     */
    public static Settings load(String agentArgument, Properties systemProperties, Map<String, String> environment) {
        ConfigLoader loader = new ConfigLoader();
        return loader.settings(loader.collect(agentArgument, systemProperties, environment));
    }

    /**
     * {@link #load}, or null when {@code bulwark.enabled} is false. The switch is read before anything else, so
     * that a disabled agent stops at once: the other keys are not checked then (a switched-off agent should not
     * refuse to start over them), and a bad value of the switch is the only problem reported.
     *
     * @throws ConfigException naming every bad key, its origin, its value and what was expected
     */
    public static Settings loadIfEnabled(String agentArgument, Properties systemProperties,
            Map<String, String> environment) {
        ConfigLoader loader = new ConfigLoader();
        Map<String, ConfigEntry> entries = loader.collect(agentArgument, systemProperties, environment);
        List<String> collected = new ArrayList<>(loader.problems);
        loader.problems.clear();
        ConfigEntry enabled = entries.get(ConfigKey.ENABLED.normalized());
        if (enabled != null) {
            boolean on = loader.parser.bool(ConfigKey.ENABLED, enabled);
            if (!loader.problems.isEmpty()) {
                throw new ConfigException(loader.problems);
            }
            if (!on) {
                return null;
            }
        }
        loader.problems.addAll(collected);
        return loader.settings(entries);
    }

    /**
     * Whether a change of this key applies while the agent runs ({@link ConfigKey.Applies#LIVE}):
     * {@code bulwark.ratelimit.mode}, {@code bulwark.ratelimit.algorithm} and
     * {@code bulwark.ratelimit.<name>.limit|window|lockout|algorithm|mode}.
     */
    static boolean appliesWhileRunning(String normalizedKey) {
        ConfigKey key = ConfigKey.of(normalizedKey);
        return key != null && key.applies == ConfigKey.Applies.LIVE;
    }

    private Map<String, ConfigEntry> collect(String agentArgument, Properties systemProperties,
            Map<String, String> environment) {
        return new ConfigSources(parser, warnings).collect(agentArgument, systemProperties, environment);
    }

    /** The settings {@code entries} make, or the problems found; the warnings are logged. */
    private Settings settings(Map<String, ConfigEntry> entries) {
        Settings settings = interpret(entries);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        for (String warning : warnings) {
            Log.warn(warning);
        }
        return settings;
    }

    /** Each entry to its area's reader, in the order read (so are the problems); then what spans several keys. */
    private Settings interpret(Map<String, ConfigEntry> entries) {
        General general = new General();
        RateLimitReader rateLimits = new RateLimitReader(parser);
        RedisReader redis = new RedisReader(parser);
        AuditReader audit = new AuditReader(parser);
        TwoFactorReader twoFactor = new TwoFactorReader(parser);
        for (ConfigEntry entry : entries.values()) {
            ConfigKey key = ConfigKey.of(entry.normalizedKey());
            if (key == null) {
                throw new IllegalStateException("ConfigSources let an unknown key through: " + entry.key());
            }
            switch (key.area) {
                case CORE -> general.read(key, entry);
                case RATE_LIMIT -> rateLimits.read(key, entry);
                case POLICY -> rateLimits.readPolicy(key, entry);
                case REDIS -> redis.read(key, entry);
                case AUDIT -> audit.read(key, entry);
                default -> twoFactor.read(key, entry);
            }
        }
        Map<String, Settings.PolicyOverride> overrides = rateLimits.overrides();
        RedisSettings redisSettings = redis.settings(entries);
        AuditSettings auditSettings = audit.settings(entries);
        TwoFactorSettings twoFactorSettings = twoFactor.settings(entries);
        return new Settings(general.enabled, general.scanAnnotations, general.requireWoven, general.scanPackages,
                general.level, rateLimits.maxKeys, rateLimits.algorithm, redisSettings, overrides, auditSettings,
                twoFactorSettings, rateLimits.maxMemory, rateLimits.ipv6Prefix, rateLimits.mode);
    }

    /** The keys of the agent as a whole: on or off, what it weaves, how much it says. */
    private final class General {
        private boolean enabled = true;
        private boolean scanAnnotations = true;
        private boolean requireWoven;
        private List<String> scanPackages = List.of();
        private Log.Level level = Log.Level.INFO;

        void read(ConfigKey key, ConfigEntry entry) {
            switch (key) {
                case ENABLED -> enabled = parser.bool(key, entry);
                case SCAN -> {
                    if (entry.value().equals("index")) {
                        scanAnnotations = false;
                    } else if (!entry.value().equals("annotations")) {
                        parser.refuse(key, entry);
                    }
                }
                case REQUIRE_WOVEN -> requireWoven = parser.bool(key, entry);
                case SCAN_PACKAGES -> scanPackages = packages(key, entry);
                case LOG_LEVEL -> {
                    level = Log.Level.parse(entry.value());
                    if (level == null) {
                        parser.refuse(key, entry);
                        level = Log.Level.INFO;
                    }
                }
                default -> throw new IllegalStateException("not a general key: " + key.key);
            }
        }

        private List<String> packages(ConfigKey key, ConfigEntry entry) {
            List<String> prefixes = new ArrayList<>();
            for (String part : entry.value().split(",", -1)) {
                String prefix = part.strip();
                if (prefix.isEmpty() && entry.value().isBlank()) {
                    continue;
                }
                if (!packagePrefix(prefix)) {
                    parser.refuse(key, entry);
                    return List.of();
                }
                prefixes.add(prefix.endsWith(".") ? prefix : prefix + ".");
            }
            return prefixes;
        }
    }

    /** {@code com.acme} or {@code com.acme.}: Java identifiers joined by dots, perhaps one at the end. */
    private static boolean packagePrefix(String prefix) {
        String name = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        boolean start = true;
        for (int i = 0; i < name.length(); i += Character.charCount(name.codePointAt(i))) {
            int c = name.codePointAt(i);
            if (c == '.' && !start) {
                start = true;
            } else if (start ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c)) {
                start = false;
            } else {
                return false;
            }
        }
        return !start;
    }
}
