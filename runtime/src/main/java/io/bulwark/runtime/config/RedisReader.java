package io.bulwark.runtime.config;

import static io.bulwark.runtime.config.ConfigKey.REDIS_CLUSTER;
import static io.bulwark.runtime.config.ConfigKey.REDIS_PASSWORD;
import static io.bulwark.runtime.config.ConfigKey.REDIS_POOL_SIZE;
import static io.bulwark.runtime.config.ConfigKey.REDIS_SENTINEL;
import static io.bulwark.runtime.config.ConfigKey.REDIS_SENTINEL_MASTER;
import static io.bulwark.runtime.config.ConfigKey.REDIS_TIMEOUT;
import static io.bulwark.runtime.config.ConfigKey.REDIS_TLS;
import static io.bulwark.runtime.config.ConfigKey.REDIS_URL;
import static io.bulwark.runtime.config.ConfigKey.REDIS_USER;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code bulwark.redis.*} keys: each value, then whether they name one store together. */
final class RedisReader {

    private final ValueParser parser;
    private URI url;
    private Duration timeout;
    private Integer poolSize;
    private List<RedisSettings.Node> cluster;
    private List<RedisSettings.Node> sentinels;
    private String master;
    private String user;
    private String password;
    private Boolean tls;

    RedisReader(ValueParser parser) {
        this.parser = parser;
    }

    void read(ConfigKey key, ConfigEntry entry) {
        switch (key) {
            case REDIS_URL -> url = url(entry);
            case REDIS_TIMEOUT -> timeout = parser.duration(key, entry);
            case REDIS_POOL_SIZE -> poolSize = parser.number(key, entry);
            case REDIS_CLUSTER -> cluster = nodes(key, entry);
            case REDIS_SENTINEL -> sentinels = nodes(key, entry);
            case REDIS_SENTINEL_MASTER -> master = name(key, entry);
            case REDIS_USER -> user = name(key, entry);
            case REDIS_PASSWORD -> password = password(key, entry);
            case REDIS_TLS -> tls = parser.bool(key, entry);
            default -> throw new IllegalStateException("not a Redis key: " + key.key);
        }
    }

    /**
     * The store {@code bulwark.redis.*} names: exactly one of url, cluster and sentinel (with its master), the other
     * keys only beside one of them, credentials in one place only, and TLS agreeing with the URL's scheme; null for
     * none (or when that is not so: the problems say why).
     */
    RedisSettings settings(Map<String, ConfigEntry> entries) {
        Duration timeout = this.timeout != null ? this.timeout : RedisSettings.DEFAULT_TIMEOUT;
        int poolSize = this.poolSize != null ? this.poolSize : RedisSettings.DEFAULT_POOL_SIZE;
        List<ConfigEntry> places = new ArrayList<>();
        for (ConfigKey key : new ConfigKey[] {REDIS_URL, REDIS_CLUSTER, REDIS_SENTINEL}) {
            ConfigEntry entry = entries.get(key.normalized());
            if (entry != null) {
                places.add(entry);
            }
        }
        ConfigEntry masterEntry = entries.get(REDIS_SENTINEL_MASTER.normalized());
        if (places.size() > 1) {
            StringBuilder both = new StringBuilder();
            for (ConfigEntry entry : places) {
                both.append(both.length() == 0 ? "" : " and ").append(entry.key()).append(" (").append(entry.origin())
                        .append(')');
            }
            parser.add(both + " are all set: expected exactly one of " + REDIS_URL.key + " (one Redis), "
                    + REDIS_CLUSTER.key + " (a Redis Cluster) or " + REDIS_SENTINEL.key
                    + " (a primary found through Sentinel)");
            return null;
        }
        if (places.isEmpty()) {
            for (ConfigKey dependent : new ConfigKey[] {REDIS_TIMEOUT, REDIS_POOL_SIZE, REDIS_SENTINEL_MASTER,
                    REDIS_USER, REDIS_PASSWORD, REDIS_TLS}) {
                ConfigEntry entry = entries.get(dependent.normalized());
                if (entry != null) {
                    parser.add(entry.key() + " (" + entry.origin() + ") is set but none of " + REDIS_URL.key + ", "
                            + REDIS_CLUSTER.key + ", " + REDIS_SENTINEL.key
                            + " is: expected one of them beside it, or neither");
                }
            }
            return null;
        }
        ConfigEntry place = places.get(0);
        boolean sentinel = place.normalizedKey().equals(REDIS_SENTINEL.normalized());
        if (sentinel && masterEntry == null) {
            parser.add(place.key() + " (" + place.origin() + ") is set but " + REDIS_SENTINEL_MASTER.key + " is not: "
                    + "expected the name the Sentinels know the primary by beside it");
        } else if (!sentinel && masterEntry != null) {
            parser.add(masterEntry.key() + " (" + masterEntry.origin() + ") is set but " + REDIS_SENTINEL.key
                    + " is not: expected the Sentinels beside it");
        }
        ConfigEntry userEntry = entries.get(REDIS_USER.normalized());
        if (userEntry != null && password == null && entries.get(REDIS_PASSWORD.normalized()) == null) {
            parser.add(userEntry.key() + " (" + userEntry.origin() + ") is set but " + REDIS_PASSWORD.key + " is not: "
                    + "expected the user's password beside it");
        }
        if (url != null) {
            RedisSettings settings = new RedisSettings(url, timeout, poolSize);
            ConfigEntry tlsEntry = entries.get(REDIS_TLS.normalized());
            if (tls != null && tls != settings.tls()) {
                parser.refuse(tlsEntry, settings.tls() ? "true, or nothing: " + place.key() + " says rediss:// "
                        + "(TLS)" : "false, or nothing: " + place.key() + " says redis:// (no TLS); for TLS write "
                        + "rediss:// there");
            }
            if (url.getRawUserInfo() != null && (user != null || password != null)) {
                ConfigEntry credential = entries.get((user != null ? REDIS_USER : REDIS_PASSWORD).normalized());
                parser.add(credential.key() + " (" + credential.origin() + ") is set but " + place.key()
                        + " carries credentials too: expected them in one place only");
                return settings;
            }
            return password != null ? settings.withCredentials(user, password) : settings;
        }
        if (sentinel) {
            return sentinels == null || master == null ? null : RedisSettings.sentinel(sentinels, master, user,
                    password, tls != null && tls, timeout, poolSize);
        }
        return cluster == null ? null
                : RedisSettings.cluster(cluster, user, password, tls != null && tls, timeout, poolSize);
    }

    private URI url(ConfigEntry entry) {
        try {
            URI url = new URI(entry.value());
            String problem = RedisSettings.problem(url);
            if (problem == null) {
                return url;
            }
            parser.refuse(entry, problem);
        } catch (URISyntaxException e) {
            parser.refuse(REDIS_URL, entry);
        }
        return null;
    }

    private List<RedisSettings.Node> nodes(ConfigKey key, ConfigEntry entry) {
        List<RedisSettings.Node> nodes = RedisSettings.nodes(entry.value());
        if (nodes == null) {
            parser.refuse(key, entry);
        }
        return nodes;
    }

    /** A Sentinel master name or an ACL user: printable, no spaces, at most 128 characters. */
    private String name(ConfigKey key, ConfigEntry entry) {
        String value = entry.value();
        boolean ok = !value.isEmpty() && value.length() <= 128;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c > 0x20 && c != 0x7f;
        }
        if (!ok) {
            parser.refuse(key, entry);
            return null;
        }
        return value;
    }

    private String password(ConfigKey key, ConfigEntry entry) {
        String value = entry.value();
        boolean ok = !value.isEmpty() && value.length() <= 4_096;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c >= 0x20 && c != 0x7f;
        }
        if (!ok) {
            parser.refuse(key, entry);
            return null;
        }
        return value;
    }
}
