package io.bulwark.runtime.config;

import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bulwark.ratelimit.*}: the engines' own keys, and {@code bulwark.ratelimit.<name>.*}, what changes a policy
 * declared in code (its pattern keys in {@link ConfigKey}).
 */
final class RateLimitReader {

    private final ValueParser parser;
    int maxKeys = Settings.DEFAULT_MAX_KEYS;
    long maxMemory;
    int ipv6Prefix = Settings.DEFAULT_IPV6_PREFIX;
    Algorithm algorithm = Algorithm.GCRA;
    Mode mode = Mode.ENFORCE;
    /** By normalized policy name. */
    private final Map<String, PolicyChange> overrides = new TreeMap<>();

    RateLimitReader(ValueParser parser) {
        this.parser = parser;
    }

    void read(ConfigKey key, ConfigEntry entry) {
        switch (key) {
            case MAX_KEYS -> maxKeys = parser.number(key, entry);
            case MAX_MEMORY -> maxMemory = bytes(key, entry);
            case IPV6_PREFIX -> ipv6Prefix = parser.number(key, entry);
            case ALGORITHM -> algorithm = algorithm(key, entry);
            case MODE -> mode = mode(key, entry);
            default -> throw new IllegalStateException("not a rate-limit key: " + key.key);
        }
    }

    /** One {@code bulwark.ratelimit.<name>.*} entry. */
    void readPolicy(ConfigKey key, ConfigEntry entry) {
        String name = key.patternName(entry.normalizedKey());
        PolicyChange override = overrides.get(name);
        if (override == null) {
            override = new PolicyChange();
            overrides.put(name, override);
        }
        override.keys.add(entry.key() + " (" + entry.origin() + ")");
        switch (key) {
            case POLICY_LIMIT -> override.limit = parser.number(key, entry);
            case POLICY_WINDOW -> override.window = parser.duration(key, entry);
            case POLICY_LOCKOUT -> override.lockout = parser.duration(key, entry);
            case POLICY_ALGORITHM -> override.algorithm = algorithm(key, entry);
            case POLICY_MODE -> override.mode = mode(key, entry);
            default -> throw new IllegalStateException("not a policy key: " + key.key);
        }
    }

    /** The overrides read, by normalized policy name. */
    Map<String, Settings.PolicyOverride> overrides() {
        Map<String, Settings.PolicyOverride> built = new TreeMap<>();
        for (Map.Entry<String, PolicyChange> override : overrides.entrySet()) {
            PolicyChange o = override.getValue();
            built.put(override.getKey(), new Settings.PolicyOverride(o.limit, o.window, o.lockout, o.algorithm, o.mode,
                    String.join(", ", o.keys)));
        }
        return built;
    }

    private Algorithm algorithm(ConfigKey key, ConfigEntry entry) {
        Algorithm algorithm = Algorithm.fromConfig(entry.value());
        if (algorithm == null) {
            parser.refuse(key, entry);
            return Algorithm.GCRA;
        }
        return algorithm;
    }

    private Mode mode(ConfigKey key, ConfigEntry entry) {
        Mode mode = Mode.fromConfig(entry.value());
        if (mode == null) {
            parser.refuse(key, entry);
            return Mode.ENFORCE;
        }
        return mode;
    }

    /**
     * {@code bulwark.ratelimit.max-memory}: bytes ({@code 67108864}), with a binary unit ({@code 64m}, {@code 512k},
     * {@code 1g}), or a share of the heap ({@code 5%}); at least 1 MB. 0 (not configured) means the default.
     */
    private long bytes(ConfigKey key, ConfigEntry entry) {
        String text = entry.value().strip().toLowerCase(Locale.ROOT);
        try {
            long value;
            if (text.endsWith("%")) {
                double percent = Double.parseDouble(text.substring(0, text.length() - 1));
                value = percent > 0 && percent <= 90 ? (long) (Runtime.getRuntime().maxMemory() * percent / 100) : -1;
            } else {
                int shift = text.endsWith("k") ? 10 : text.endsWith("m") ? 20 : text.endsWith("g") ? 30 : 0;
                long number = Long.parseLong(shift == 0 ? text : text.substring(0, text.length() - 1));
                value = number > 0 && number <= (Long.MAX_VALUE >> shift) ? number << shift : -1;
            }
            if (value >= 1L << 20) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        parser.refuse(key, entry);
        return 0;
    }

    /** What the entries of one policy set so far; each key as written, for messages about the policy. */
    private static final class PolicyChange {
        private Integer limit;
        private Duration window;
        private Duration lockout;
        private Algorithm algorithm;
        private Mode mode;
        private final List<String> keys = new ArrayList<>();
    }
}
