package io.bulwark.runtime.config;

import static io.bulwark.runtime.config.ConfigKey.DATA_DIR;
import static io.bulwark.runtime.config.ConfigKey.JDBC_PASSWORD;
import static io.bulwark.runtime.config.ConfigKey.JDBC_POOL_SIZE;
import static io.bulwark.runtime.config.ConfigKey.JDBC_URL;
import static io.bulwark.runtime.config.ConfigKey.JDBC_USER;

import io.bulwark.rules.DurationSyntax;
import io.bulwark.runtime.files.DataDirectoryCheck;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** {@code bulwark.data-dir}, {@code bulwark.jdbc.*} and {@code bulwark.audit.*}: where audit events go, and how. */
final class AuditReader {

    private final ValueParser parser;
    private AuditSettings audit = AuditSettings.defaults();
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private int jdbcPoolSize = JdbcSettings.DEFAULT_POOL_SIZE;
    /** {@code bulwark.data-dir} itself was refused: its permissions are not worth examining. */
    private boolean dataDirRefused;

    AuditReader(ValueParser parser) {
        this.parser = parser;
    }

    void read(ConfigKey key, ConfigEntry entry) {
        switch (key) {
            case DATA_DIR -> audit = audit.withDataDir(dataDir(entry));
            case JDBC_URL -> jdbcUrl = jdbcUrl(entry);
            case JDBC_USER -> jdbcUser = entry.value();
            case JDBC_PASSWORD -> jdbcPassword = entry.value();
            case JDBC_POOL_SIZE -> jdbcPoolSize = parser.number(key, entry);
            case AUDIT_RETENTION -> audit = audit.withRetention(retention(key, entry));
            case AUDIT_QUEUE -> audit = audit.withQueueCapacity(parser.number(key, entry));
            case AUDIT_MAX_CAPTURE -> audit = audit.withMaxCapture(parser.number(key, entry));
            case AUDIT_HASH_KEY -> audit = audit.withHashKey(hashKey(key, entry));
            case AUDIT_CHAIN_KEY -> audit = audit.withChainKey(hashKey(key, entry));
            case AUDIT_CHECKPOINT_EVENTS ->
                audit = audit.withCheckpoints(parser.number(key, entry), audit.checkpointInterval());
            case AUDIT_CHECKPOINT_INTERVAL -> audit = audit.withCheckpoints(audit.checkpointEvents(),
                    orElse(parser.duration(key, entry), AuditSettings.DEFAULT_CHECKPOINT_INTERVAL));
            case AUDIT_DRAIN_TIMEOUT ->
                audit = audit.withDrainTimeout(orElse(parser.duration(key, entry),
                        AuditSettings.DEFAULT_DRAIN_TIMEOUT));
            case AUDIT_DURABILITY -> audit = audit.withDurability(durability(key, entry));
            default -> throw new IllegalStateException("not an audit key: " + key.key);
        }
    }

    /** The audit settings read, PostgreSQL's only beside {@code bulwark.jdbc.url}; the data directory checked. */
    AuditSettings settings(Map<String, ConfigEntry> entries) {
        if (jdbcUrl != null) {
            audit = audit.withJdbc(new JdbcSettings(jdbcUrl, jdbcUser, jdbcPassword, jdbcPoolSize));
        } else {
            for (ConfigKey dependent : new ConfigKey[] {JDBC_USER, JDBC_PASSWORD, JDBC_POOL_SIZE}) {
                ConfigEntry entry = entries.get(dependent.normalized());
                if (entry != null) {
                    parser.add(entry.key() + " (" + entry.origin() + ") is set but " + JDBC_URL.key + " is not: "
                            + "expected both, or neither");
                }
            }
        }
        ConfigEntry dataDir = entries.get(DATA_DIR.normalized());
        if (!dataDirRefused) {
            for (String problem : DataDirectoryCheck.problems(audit.dataDir(), dataDir == null
                    ? DATA_DIR.key + " (default) '" + audit.dataDir() + "'"
                    : dataDir.key() + " (" + dataDir.origin() + ") '" + audit.dataDir() + "'")) {
                parser.add(problem);
            }
        }
        return audit;
    }

    private static Duration orElse(Duration value, Duration fallback) {
        return value != null ? value : fallback;
    }

    private Path dataDir(ConfigEntry entry) {
        int before = parser.count();
        Path dir = dataDirPath(entry);
        dataDirRefused = parser.count() > before;
        return dir;
    }

    private Path dataDirPath(ConfigEntry entry) {
        Path dir;
        try {
            dir = Path.of(entry.value());
        } catch (InvalidPathException e) {
            parser.refuse(DATA_DIR, entry);
            return AuditSettings.DEFAULT_DATA_DIR;
        }
        if (entry.value().isBlank()) {
            parser.refuse(DATA_DIR, entry);
        } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
            parser.refuse(entry, "a directory, but it is a file");
        } else if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
            parser.refuse(entry, "a directory this process can write to");
        }
        return dir;
    }

    private String jdbcUrl(ConfigEntry entry) {
        String url = entry.value();
        if (!JdbcUrls.parsable(url)) {
            parser.refuse(JDBC_URL, entry);
            return null;
        }
        return url;
    }

    /**
     * {@code value} is 1 to {@code maxDigits} ASCII digits followed by {@code unit}: {@code [0-9]{1,n}u} without a
     * regular expression, which would load {@code java.util.regex} in premain (PremainClassLoadIT).
     */
    static boolean digitsThen(String value, int maxDigits, char unit) {
        int digits = value.length() - 1;
        if (digits < 1 || digits > maxDigits || value.charAt(digits) != unit) {
            return false;
        }
        for (int i = 0; i < digits; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code 90d}, {@code 7y} (365 days each), any duration Bulwark parses, or {@code forever} (null). */
    private Duration retention(ConfigKey key, ConfigEntry entry) {
        String value = entry.value().strip();
        if (value.equals("forever")) {
            return null;
        }
        try {
            if (digitsThen(value, 3, 'y')) {
                return Duration.ofDays(365L * Integer.parseInt(value.substring(0, value.length() - 1)));
            }
            if (digitsThen(value, 5, 'd')) {
                long days = Long.parseLong(value.substring(0, value.length() - 1));
                if (days >= 1) {
                    return Duration.ofDays(days);
                }
            } else {
                Duration d = DurationSyntax.parse(value);
                if (d.compareTo(Duration.ofDays(1)) >= 0) {
                    return d;
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        parser.refuse(key, entry);
        return AuditSettings.DEFAULT_RETENTION;
    }

    private byte[] hashKey(ConfigKey key, ConfigEntry entry) {
        try {
            byte[] bytes = Base64.getDecoder().decode(entry.value().strip());
            if (bytes.length >= 32) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        parser.refuse(key, entry);
        return null;
    }

    private AuditSettings.Durability durability(ConfigKey key, ConfigEntry entry) {
        AuditSettings.Durability durability = AuditSettings.Durability.fromConfig(entry.value());
        if (durability == null) {
            parser.refuse(key, entry);
            return AuditSettings.Durability.MMAP;
        }
        return durability;
    }
}
