package io.bulwark.runtime.config;

import io.bulwark.rules.DurationSyntax;
import io.bulwark.rules.Suggestions;
import io.bulwark.runtime.files.DataDirectoryCheck;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.Mode;
import io.bulwark.runtime.twofactor.TotpAlgorithm;
import io.bulwark.runtime.twofactor.TotpParameters;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads configuration from the agent argument ({@code config=FILE}), then system properties {@code bulwark.*},
 * then environment variables {@code BULWARK_*}; a later source wins. Every value is checked here, once, and
 * all problems are reported together.
 *
 * <p>An unknown {@code bulwark.*} key in the file or a system property is an error (it is most likely a typo
 * that would otherwise be silently ignored); an unknown {@code BULWARK_*} environment variable is only
 * warned about, because environments carry variables meant for others. {@code BULWARK_TEST_*} belongs to
 * Bulwark's own test harness and is ignored.
 *
 * <p>{@code bulwark.web.*} belongs to the web adapters, which read and check it themselves from the application's
 * configuration (the agent starts before any web framework): passed over in system properties and the environment,
 * where the adapters find it, and an error in the agent's file, where they never would.
 */
public final class ConfigLoader {

    static final String ENABLED = "bulwark.enabled";
    static final String SCAN = "bulwark.scan";
    static final String SCAN_PACKAGES = "bulwark.scan.packages";
    static final String REQUIRE_WOVEN = "bulwark.require-woven";
    static final String LOG_LEVEL = "bulwark.log.level";
    static final String MAX_KEYS = "bulwark.ratelimit.max-keys";
    static final String ALGORITHM = "bulwark.ratelimit.algorithm";
    static final String REDIS_URL = "bulwark.redis.url";
    static final String REDIS_TIMEOUT = "bulwark.redis.timeout";
    static final String REDIS_POOL_SIZE = "bulwark.redis.pool-size";
    static final String REDIS_CLUSTER = "bulwark.redis.cluster";
    static final String REDIS_SENTINEL = "bulwark.redis.sentinel";
    static final String REDIS_SENTINEL_MASTER = "bulwark.redis.sentinel.master";
    static final String REDIS_USER = "bulwark.redis.user";
    static final String REDIS_PASSWORD = "bulwark.redis.password";
    static final String REDIS_TLS = "bulwark.redis.tls";
    static final String REDIS_SENTINEL_USER = "bulwark.redis.sentinel.user";
    static final String REDIS_SENTINEL_PASSWORD = "bulwark.redis.sentinel.password";
    static final String DATA_DIR = "bulwark.data-dir";
    static final String JDBC_URL = "bulwark.jdbc.url";
    static final String JDBC_USER = "bulwark.jdbc.user";
    static final String JDBC_PASSWORD = "bulwark.jdbc.password";
    static final String JDBC_POOL_SIZE = "bulwark.jdbc.pool-size";
    static final String AUDIT_RETENTION = "bulwark.audit.retention";
    static final String AUDIT_QUEUE = "bulwark.audit.queue";
    static final String AUDIT_MAX_CAPTURE = "bulwark.audit.max-capture";
    static final String AUDIT_HASH_KEY = "bulwark.audit.hash-key";
    static final String AUDIT_CHAIN_KEY = "bulwark.audit.chain-key";
    static final String AUDIT_CHECKPOINT_EVENTS = "bulwark.audit.checkpoint-events";
    static final String AUDIT_CHECKPOINT_INTERVAL = "bulwark.audit.checkpoint-interval";
    static final String AUDIT_DRAIN_TIMEOUT = "bulwark.audit.drain-timeout";
    static final String AUDIT_DURABILITY = "bulwark.audit.durability";
    static final String TOTP_KEY = "bulwark.totp.key";
    static final String TOTP_OLD_KEYS = "bulwark.totp.old-keys";
    static final String TOTP_ISSUER = "bulwark.totp.issuer";
    static final String TOTP_ALGORITHM = "bulwark.totp.algorithm";
    static final String TOTP_DIGITS = "bulwark.totp.digits";
    static final String TOTP_MAX_FAILURES = "bulwark.totp.max-failures";
    static final String TOTP_ENROLLMENT_TTL = "bulwark.totp.enrollment-ttl";
    static final String MAX_MEMORY = "bulwark.ratelimit.max-memory";
    static final String IPV6_PREFIX = "bulwark.ratelimit.ipv6-prefix";
    /** Shadow mode (issue 18): its own keys, read by {@link #mode}; they may change while the agent runs. */
    static final String MODE = "bulwark.ratelimit.mode";
    static final List<String> KNOWN_KEYS = List.of(ENABLED, SCAN, SCAN_PACKAGES, REQUIRE_WOVEN, LOG_LEVEL, MAX_KEYS,
            ALGORITHM,
            REDIS_URL, REDIS_TIMEOUT, REDIS_POOL_SIZE, REDIS_CLUSTER, REDIS_SENTINEL, REDIS_SENTINEL_MASTER, REDIS_USER,
            REDIS_PASSWORD, REDIS_TLS, REDIS_SENTINEL_USER, REDIS_SENTINEL_PASSWORD,
            DATA_DIR, JDBC_URL, JDBC_USER, JDBC_PASSWORD, JDBC_POOL_SIZE,
            AUDIT_RETENTION, AUDIT_QUEUE, AUDIT_MAX_CAPTURE, AUDIT_HASH_KEY, AUDIT_CHAIN_KEY, AUDIT_CHECKPOINT_EVENTS,
            AUDIT_CHECKPOINT_INTERVAL, AUDIT_DRAIN_TIMEOUT, AUDIT_DURABILITY, TOTP_KEY, TOTP_OLD_KEYS, TOTP_ISSUER,
            TOTP_ALGORITHM, TOTP_DIGITS, TOTP_MAX_FAILURES, TOTP_ENROLLMENT_TTL, MAX_MEMORY, IPV6_PREFIX, MODE,
            "bulwark.ratelimit.<name>.limit",
            "bulwark.ratelimit.<name>.window", "bulwark.ratelimit.<name>.lockout",
            "bulwark.ratelimit.<name>.algorithm", "bulwark.ratelimit.<name>.mode");

    private static final String OVERRIDE_PREFIX = "bulwark_ratelimit_";
    private static final String WEB_ADAPTER_PREFIX = "bulwark_web_";
    private static final List<String> OVERRIDE_ATTRIBUTES = List.of("limit", "window", "lockout", "algorithm", "mode");
    private static final int MAX_LIMIT = 1_000_000_000;

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** {@code bulwark.data-dir} itself was refused: its permissions are not worth examining. */
    private boolean dataDirRefused;

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
        ConfigEntry enabled = entries.get(ConfigEntry.normalize(ENABLED));
        if (enabled != null) {
            boolean on = loader.bool(enabled);
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

    /** The settings {@code entries} make, or the problems found; the warnings are logged. */
    private Settings settings(Map<String, ConfigEntry> entries) {
        Settings settings = interpret(entries);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        // Here and below, loops rather than lambdas and no regular expressions: this runs in premain, where each
        // costs the JDK's run-time class spinning (see "Agent startup" in benchmarks/README.md).
        for (String warning : warnings) {
            Log.warn(warning);
        }
        return settings;
    }

    private Map<String, ConfigEntry> collect(String agentArgument, Properties systemProperties,
            Map<String, String> environment) {
        Map<String, ConfigEntry> entries = new LinkedHashMap<>();
        Path file = configFile(agentArgument);
        if (file != null) {
            for (ConfigEntry entry : readFile(file)) {
                if (entry.normalizedKey().startsWith(WEB_ADAPTER_PREFIX)) {
                    problems.add(entry.key() + " (" + entry.origin() + ") is read by Bulwark's web adapters, not by "
                            + "the agent: set it in the application's configuration (application.properties, the "
                            + "filter's init parameters) or as a system property");
                } else if (known(entry, true)) {
                    entries.put(entry.normalizedKey(), entry);
                }
            }
        }
        for (String name : new TreeMap<>(propertiesAsMap(systemProperties)).keySet()) {
            if (name.startsWith("bulwark.")) {
                ConfigEntry entry = new ConfigEntry(name, systemProperties.getProperty(name), "system property");
                if (known(entry, true)) {
                    entries.put(entry.normalizedKey(), entry);
                }
            }
        }
        for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
            String name = variable.getKey();
            if (name.startsWith("BULWARK_") && !name.startsWith("BULWARK_TEST_")) {
                ConfigEntry entry = new ConfigEntry(name, variable.getValue(), "environment variable");
                if (known(entry, false)) {
                    entries.put(entry.normalizedKey(), entry);
                }
            }
        }
        return entries;
    }

    // Issue 18, limits changed while the agent runs: what ConfigWatch needs of the file (kept together here).

    /** The file {@code config=FILE} names in the agent argument, or null when it names none (or is malformed). */
    static Path configFileOf(String agentArgument) {
        ConfigLoader loader = new ConfigLoader();
        Path file = loader.configFile(agentArgument);
        return loader.problems.isEmpty() ? file : null;
    }

    /** The file's entries as written, by normalized key; null when it cannot be read (the loader then says why). */
    static Map<String, ConfigEntry> fileEntries(Path file) {
        ConfigLoader loader = new ConfigLoader();
        Map<String, ConfigEntry> entries = new TreeMap<>();
        for (ConfigEntry entry : loader.readFile(file)) {
            entries.put(entry.normalizedKey(), entry);
        }
        return loader.problems.isEmpty() ? entries : null;
    }

    /**
     * Whether a change of this key applies while the agent runs: {@code bulwark.ratelimit.mode},
     * {@code bulwark.ratelimit.algorithm} and {@code bulwark.ratelimit.<name>.limit|window|lockout|algorithm|mode}.
     */
    static boolean appliesWhileRunning(String normalizedKey) {
        return normalizedKey.equals(ConfigEntry.normalize(MODE))
                || normalizedKey.equals(ConfigEntry.normalize(ALGORITHM)) || overrideAttribute(normalizedKey) != null;
    }

    private static Map<String, String> propertiesAsMap(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }

    private Path configFile(String agentArgument) {
        if (agentArgument == null || agentArgument.isBlank()) {
            return null;
        }
        Path file = null;
        for (String part : agentArgument.split(",", -1)) {
            if (part.startsWith("config=") && part.length() > "config=".length() && file == null) {
                file = Path.of(part.substring("config=".length()));
            } else {
                problems.add("agent argument '" + part + "' (in -javaagent:bulwark-agent.jar=" + agentArgument
                        + "): expected config=FILE, once");
            }
        }
        return file;
    }

    private List<ConfigEntry> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            problems.add("config file " + file.toAbsolutePath() + " (from the agent argument config=) cannot be read: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return List.of();
        }
        List<ConfigEntry> entries = new ArrayList<>();
        for (String name : new TreeMap<>(propertiesAsMap(properties)).keySet()) {
            entries.add(new ConfigEntry(name, properties.getProperty(name).strip(), "file " + file));
        }
        return entries;
    }

    private boolean known(ConfigEntry entry, boolean strict) {
        String normalized = entry.normalizedKey();
        if (normalized.startsWith(WEB_ADAPTER_PREFIX)) {
            return false;
        }
        for (String key : KNOWN_KEYS) {
            if (!key.contains("<") && ConfigEntry.normalize(key).equals(normalized)) {
                return true;
            }
        }
        if (overrideAttribute(normalized) != null) {
            return true;
        }
        String message = entry.key() + " (" + entry.origin() + ") is not a Bulwark configuration key: expected one of "
                + String.join(", ", KNOWN_KEYS) + Suggestions.didYouMean(entry.key(), KNOWN_KEYS);
        if (strict) {
            problems.add(message);
        } else {
            warnings.add(message + "; ignored");
        }
        return false;
    }

    /** {@code limit}, {@code window} or {@code lockout} for {@code bulwark_ratelimit_<name>_<attribute>}, else null. */
    private static String overrideAttribute(String normalized) {
        if (!normalized.startsWith(OVERRIDE_PREFIX)) {
            return null;
        }
        for (String attribute : OVERRIDE_ATTRIBUTES) {
            if (normalized.endsWith("_" + attribute)
                    && normalized.length() > OVERRIDE_PREFIX.length() + attribute.length() + 1) {
                return attribute;
            }
        }
        return null;
    }

    private Settings interpret(Map<String, ConfigEntry> entries) {
        boolean enabled = true;
        boolean scanAnnotations = true;
        boolean requireWoven = false;
        List<String> scanPackages = List.of();
        Log.Level level = Log.Level.INFO;
        int maxKeys = Settings.DEFAULT_MAX_KEYS;
        long maxMemory = 0;
        int ipv6Prefix = Settings.DEFAULT_IPV6_PREFIX;
        Algorithm algorithm = Algorithm.GCRA;
        Mode mode = Mode.ENFORCE;
        URI redisUrl = null;
        Duration redisTimeout = null;
        Integer redisPoolSize = null;
        List<RedisSettings.Node> redisCluster = null;
        List<RedisSettings.Node> redisSentinels = null;
        String redisMaster = null;
        String redisUser = null;
        String redisPassword = null;
        Boolean redisTls = null;
        String sentinelUser = null;
        String sentinelPassword = null;
        AuditSettings audit = AuditSettings.defaults();
        String jdbcUrl = null;
        String jdbcUser = null;
        String jdbcPassword = null;
        int jdbcPoolSize = JdbcSettings.DEFAULT_POOL_SIZE;
        TwoFactorSettings twoFactor = TwoFactorSettings.defaults();
        Map<String, OverrideBuilder> overrides = new TreeMap<>();
        for (ConfigEntry entry : entries.values()) {
            String key = entry.normalizedKey();
            if (key.equals(ConfigEntry.normalize(ENABLED))) {
                enabled = bool(entry);
            } else if (key.equals(ConfigEntry.normalize(SCAN))) {
                if (entry.value().equals("index")) {
                    scanAnnotations = false;
                } else if (!entry.value().equals("annotations")) {
                    problems.add(entry.problem("annotations (the default: the processor's index, and for classes it "
                            + "does not list a check of their class file for Bulwark's annotations) or index (only "
                            + "the classes the processor's index lists: classes compiled without it run UNGUARDED)"));
                }
            } else if (key.equals(ConfigEntry.normalize(REQUIRE_WOVEN))) {
                requireWoven = bool(entry);
            } else if (key.equals(ConfigEntry.normalize(SCAN_PACKAGES))) {
                scanPackages = packages(entry);
            } else if (key.equals(ConfigEntry.normalize(LOG_LEVEL))) {
                level = Log.Level.parse(entry.value());
                if (level == null) {
                    problems.add(entry.problem("one of error, warn, info, debug"));
                    level = Log.Level.INFO;
                }
            } else if (key.equals(ConfigEntry.normalize(MAX_KEYS))) {
                maxKeys = wholeNumber(entry, 1_000, 100_000_000, Settings.DEFAULT_MAX_KEYS);
            } else if (key.equals(ConfigEntry.normalize(MAX_MEMORY))) {
                maxMemory = bytes(entry);
            } else if (key.equals(ConfigEntry.normalize(IPV6_PREFIX))) {
                ipv6Prefix = wholeNumber(entry, 48, 128, Settings.DEFAULT_IPV6_PREFIX);
            } else if (key.equals(ConfigEntry.normalize(ALGORITHM))) {
                algorithm = algorithm(entry);
            } else if (key.equals(ConfigEntry.normalize(MODE))) {
                mode = mode(entry);
            } else if (key.equals(ConfigEntry.normalize(REDIS_URL))) {
                redisUrl = redisUrl(entry);
            } else if (key.equals(ConfigEntry.normalize(REDIS_TIMEOUT))) {
                redisTimeout = timeout(entry);
            } else if (key.equals(ConfigEntry.normalize(REDIS_POOL_SIZE))) {
                redisPoolSize = wholeNumber(entry, 1, 1_024, RedisSettings.DEFAULT_POOL_SIZE);
            } else if (key.equals(ConfigEntry.normalize(REDIS_CLUSTER))) {
                redisCluster = redisNodes(entry, "the cluster's seed nodes as host:port,host:port, such as "
                        + "redis-0.cache:6379,redis-1.cache:6379");
            } else if (key.equals(ConfigEntry.normalize(REDIS_SENTINEL))) {
                redisSentinels = redisNodes(entry, "the Sentinels as host:port,host:port, such as "
                        + "sentinel-0:26379,sentinel-1:26379,sentinel-2:26379");
            } else if (key.equals(ConfigEntry.normalize(REDIS_SENTINEL_MASTER))) {
                redisMaster = redisName(entry, "the name the Sentinels know the primary by (sentinel monitor NAME "
                        + "...), such as mymaster");
            } else if (key.equals(ConfigEntry.normalize(REDIS_USER))) {
                redisUser = redisName(entry, "an ACL user name without spaces or control characters");
            } else if (key.equals(ConfigEntry.normalize(REDIS_PASSWORD))) {
                redisPassword = redisPassword(entry);
            } else if (key.equals(ConfigEntry.normalize(REDIS_TLS))) {
                redisTls = bool(entry);
            } else if (key.equals(ConfigEntry.normalize(REDIS_SENTINEL_USER))) {
                sentinelUser = redisName(entry, "an ACL user name of the Sentinels without spaces or control "
                        + "characters");
            } else if (key.equals(ConfigEntry.normalize(REDIS_SENTINEL_PASSWORD))) {
                sentinelPassword = redisPassword(entry);
            } else if (key.equals(ConfigEntry.normalize(DATA_DIR))) {
                audit = audit.withDataDir(dataDir(entry));
            } else if (key.equals(ConfigEntry.normalize(JDBC_URL))) {
                jdbcUrl = jdbcUrl(entry);
            } else if (key.equals(ConfigEntry.normalize(JDBC_USER))) {
                jdbcUser = entry.value();
            } else if (key.equals(ConfigEntry.normalize(JDBC_PASSWORD))) {
                jdbcPassword = entry.value();
            } else if (key.equals(ConfigEntry.normalize(JDBC_POOL_SIZE))) {
                jdbcPoolSize = wholeNumber(entry, 1, 64, JdbcSettings.DEFAULT_POOL_SIZE);
            } else if (key.equals(ConfigEntry.normalize(AUDIT_RETENTION))) {
                audit = audit.withRetention(retention(entry));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_QUEUE))) {
                audit = audit.withQueueCapacity(wholeNumber(entry, 1_024, 16_777_216,
                        AuditSettings.DEFAULT_QUEUE_CAPACITY));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_MAX_CAPTURE))) {
                audit = audit.withMaxCapture(wholeNumber(entry, 256, 1_048_576, AuditSettings.DEFAULT_MAX_CAPTURE));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_HASH_KEY))) {
                audit = audit.withHashKey(hashKey(entry));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_CHAIN_KEY))) {
                audit = audit.withChainKey(hashKey(entry));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_CHECKPOINT_EVENTS))) {
                audit = audit.withCheckpoints(wholeNumber(entry, 1, 1_000_000_000,
                        (int) AuditSettings.DEFAULT_CHECKPOINT_EVENTS), audit.checkpointInterval());
            } else if (key.equals(ConfigEntry.normalize(AUDIT_CHECKPOINT_INTERVAL))) {
                audit = audit.withCheckpoints(audit.checkpointEvents(), checkpointInterval(entry));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_DRAIN_TIMEOUT))) {
                audit = audit.withDrainTimeout(drainTimeout(entry));
            } else if (key.equals(ConfigEntry.normalize(AUDIT_DURABILITY))) {
                audit = audit.withDurability(durability(entry));
            } else if (key.startsWith("bulwark_totp_")) {
                twoFactor = totp(twoFactor, entry);
            } else {
                String attribute = overrideAttribute(key);
                String name = key.substring(OVERRIDE_PREFIX.length(), key.length() - attribute.length() - 1);
                OverrideBuilder builder = overrides.get(name);
                if (builder == null) {
                    builder = new OverrideBuilder();
                    overrides.put(name, builder);
                }
                builder.set(attribute, entry);
            }
        }
        Map<String, Settings.PolicyOverride> built = new TreeMap<>();
        for (Map.Entry<String, OverrideBuilder> override : overrides.entrySet()) {
            built.put(override.getKey(), override.getValue().build());
        }
        RedisSettings redis = redisSettings(entries, redisUrl, redisCluster, redisSentinels, redisMaster, redisUser,
                redisPassword, redisTls, redisTimeout != null ? redisTimeout : RedisSettings.DEFAULT_TIMEOUT,
                redisPoolSize != null ? redisPoolSize : RedisSettings.DEFAULT_POOL_SIZE);
        redis = sentinelCredentials(entries, redis, sentinelUser, sentinelPassword);
        if (jdbcUrl != null) {
            audit = audit.withJdbc(new JdbcSettings(jdbcUrl, jdbcUser, jdbcPassword, jdbcPoolSize));
        } else {
            for (String dependent : List.of(JDBC_USER, JDBC_PASSWORD, JDBC_POOL_SIZE)) {
                ConfigEntry entry = entries.get(ConfigEntry.normalize(dependent));
                if (entry != null) {
                    problems.add(entry.key() + " (" + entry.origin() + ") is set but " + JDBC_URL + " is not: expected "
                            + "both, or neither");
                }
            }
        }
        ConfigEntry dataDir = entries.get(ConfigEntry.normalize(DATA_DIR));
        if (!dataDirRefused) {
            problems.addAll(DataDirectoryCheck.problems(audit.dataDir(), dataDir == null
                    ? DATA_DIR + " (default) '" + audit.dataDir() + "'"
                    : dataDir.key() + " (" + dataDir.origin() + ") '" + audit.dataDir() + "'"));
        }
        ConfigEntry oldKeys = entries.get(ConfigEntry.normalize(TOTP_OLD_KEYS));
        if (oldKeys != null && twoFactor.key() == null) {
            problems.add(oldKeys.key() + " (" + oldKeys.origin() + ") is set but " + TOTP_KEY + " is not: old keys are "
                    + "only read beside the current one");
        }
        return new Settings(enabled, scanAnnotations, requireWoven, scanPackages, level, maxKeys, algorithm, redis,
                built, audit, twoFactor, maxMemory, ipv6Prefix, mode);
    }

    private Path dataDir(ConfigEntry entry) {
        int before = problems.size();
        Path dir = dataDirPath(entry);
        dataDirRefused = problems.size() > before;
        return dir;
    }

    private Path dataDirPath(ConfigEntry entry) {
        Path dir;
        try {
            dir = Path.of(entry.value());
        } catch (java.nio.file.InvalidPathException e) {
            problems.add(entry.problem("a directory path"));
            return AuditSettings.DEFAULT_DATA_DIR;
        }
        if (entry.value().isBlank()) {
            problems.add(entry.problem("a directory path"));
        } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
            problems.add(entry.problem("a directory, but it is a file"));
        } else if (Files.isDirectory(dir) && !Files.isWritable(dir)) {
            problems.add(entry.problem("a directory this process can write to"));
        }
        return dir;
    }

    private String jdbcUrl(ConfigEntry entry) {
        String url = entry.value();
        if (!JdbcUrls.parsable(url)) {
            problems.add(entry.problem("a PostgreSQL JDBC URL such as jdbc:postgresql://db.internal:5432/app"));
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

    /** A loop, not {@code chars().anyMatch(...)}: no stream or lambda in premain (PremainClassLoadIT). */
    private static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code 90d}, {@code 7y} (365 days each), any duration Bulwark parses, or {@code forever} (null). */
    private Duration retention(ConfigEntry entry) {
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
        problems.add(entry.problem("a retention of at least one day such as 90d, 400d or 7y, or forever"));
        return AuditSettings.DEFAULT_RETENTION;
    }

    private byte[] hashKey(ConfigEntry entry) {
        try {
            byte[] key = java.util.Base64.getDecoder().decode(entry.value().strip());
            if (key.length >= 32) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(entry.problem("at least 32 random bytes in Base64 (openssl rand -base64 32)"));
        return null;
    }

    /**
     * How long a JVM's exit may wait for its journal to reach PostgreSQL: from 0 (do not wait: what is left ships at
     * the next start, or with {@code audit ship}) to 10 minutes (beyond that, a supervisor's own stop timeout, such
     * as Kubernetes' 30 s grace period, cuts it short anyway).
     */
    private Duration drainTimeout(ConfigEntry entry) {
        try {
            Duration d = DurationSyntax.parse(entry.value());
            if (!d.isNegative() && d.compareTo(Duration.ofMinutes(10)) <= 0) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(entry.problem("a duration from 0s to 10m, such as 10s or 25s"));
        return AuditSettings.DEFAULT_DRAIN_TIMEOUT;
    }

    /** A checkpoint interval: from one second to one day. */
    private Duration checkpointInterval(ConfigEntry entry) {
        try {
            Duration d = DurationSyntax.parse(entry.value());
            if (d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(Duration.ofDays(1)) <= 0) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(entry.problem("a duration from 1s to 1d, such as 60s or 5m"));
        return AuditSettings.DEFAULT_CHECKPOINT_INTERVAL;
    }

    /** One {@code bulwark.totp.*} entry applied to {@code s}. */
    private TwoFactorSettings totp(TwoFactorSettings s, ConfigEntry entry) {
        String key = entry.normalizedKey();
        if (key.equals(ConfigEntry.normalize(TOTP_KEY))) {
            return s.withKey(aesKey(entry, entry.value()), s.oldKeys());
        }
        if (key.equals(ConfigEntry.normalize(TOTP_OLD_KEYS))) {
            List<byte[]> old = new ArrayList<>();
            for (String part : entry.value().split(",")) {
                byte[] oldKey = part.isBlank() ? null : aesKey(entry, part);
                if (oldKey != null) { // null: not a key, and already a problem
                    old.add(oldKey);
                }
            }
            return s.withKey(s.key(), old);
        }
        if (key.equals(ConfigEntry.normalize(TOTP_ISSUER))) {
            String issuer = entry.value();
            if (issuer.isBlank() || issuer.length() > 64 || issuer.contains(":") || !issuer.strip().equals(issuer)
                    || hasControlCharacter(issuer)) {
                problems.add(entry.problem("1 to 64 characters without ':', control characters or surrounding spaces, "
                        + "such as ACME Bank"));
                return s;
            }
            return new TwoFactorSettings(s.key(), s.oldKeys(), issuer, s.parameters(), s.maxFailures(),
                    s.enrollmentTtl());
        }
        if (key.equals(ConfigEntry.normalize(TOTP_ALGORITHM))) {
            try {
                TotpAlgorithm algorithm = TotpAlgorithm.fromOtpauthName(entry.value().toUpperCase(Locale.ROOT));
                return new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), new TotpParameters(algorithm,
                        s.parameters().digits(), s.parameters().periodSeconds()), s.maxFailures(), s.enrollmentTtl());
            } catch (IllegalArgumentException e) {
                problems.add(entry.problem("SHA1 (what every authenticator app reads), SHA256 or SHA512"));
                return s;
            }
        }
        if (key.equals(ConfigEntry.normalize(TOTP_DIGITS))) {
            if (!entry.value().equals("6") && !entry.value().equals("8")) {
                problems.add(entry.problem("6 or 8"));
                return s;
            }
            return new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), new TotpParameters(
                    s.parameters().algorithm(), Integer.parseInt(entry.value()), s.parameters().periodSeconds()),
                    s.maxFailures(), s.enrollmentTtl());
        }
        if (key.equals(ConfigEntry.normalize(TOTP_ENROLLMENT_TTL))) {
            Duration ttl = duration(entry);
            if (ttl != null && (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0)) {
                problems.add(entry.problem("a duration from 1m to 1d, such as 10m"));
                ttl = null;
            }
            return ttl == null ? s : new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), s.parameters(),
                    s.maxFailures(), ttl);
        }
        if (!key.equals(ConfigEntry.normalize(TOTP_MAX_FAILURES))) {
            throw new IllegalStateException("known() let an unknown key through: " + entry.key());
        }
        return new TwoFactorSettings(s.key(), s.oldKeys(), s.issuer(), s.parameters(),
                wholeNumber(entry, 4, 100, TwoFactorSettings.DEFAULT_MAX_FAILURES), s.enrollmentTtl());
    }

    /** Exactly 32 bytes in Base64: an AES-256 key. */
    private byte[] aesKey(ConfigEntry entry, String text) {
        try {
            byte[] key = java.util.Base64.getDecoder().decode(text.strip());
            if (key.length == 32) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(entry.problem("32 random bytes in Base64, such as the output of: openssl rand -base64 32"
                + (entry.normalizedKey().endsWith("old_keys") ? " (several separated by commas)" : "")));
        return null;
    }

    private AuditSettings.Durability durability(ConfigEntry entry) {
        AuditSettings.Durability durability = AuditSettings.Durability.fromConfig(entry.value());
        if (durability == null) {
            problems.add(entry.problem("mmap (an audited call returns once its event is staged in a memory-mapped "
                    + "file: kept through a crash of the process) or sync (once the journal's fsync covers it)"));
            return AuditSettings.Durability.MMAP;
        }
        return durability;
    }

    private Algorithm algorithm(ConfigEntry entry) {
        Algorithm algorithm = Algorithm.fromConfig(entry.value());
        if (algorithm == null) {
            problems.add(entry.problem("gcra or sliding-window"));
            return Algorithm.GCRA;
        }
        return algorithm;
    }

    /**
     * The store {@code bulwark.redis.*} names: exactly one of url, cluster and sentinel (with its master), the other
     * keys only beside one of them, credentials in one place only, and TLS agreeing with the URL's scheme.
     */
    private RedisSettings redisSettings(Map<String, ConfigEntry> entries, URI url, List<RedisSettings.Node> cluster,
            List<RedisSettings.Node> sentinels, String master, String user, String password, Boolean tls,
            Duration timeout, int poolSize) {
        List<ConfigEntry> places = new ArrayList<>();
        for (String key : List.of(REDIS_URL, REDIS_CLUSTER, REDIS_SENTINEL)) {
            ConfigEntry entry = entries.get(ConfigEntry.normalize(key));
            if (entry != null) {
                places.add(entry);
            }
        }
        ConfigEntry masterEntry = entries.get(ConfigEntry.normalize(REDIS_SENTINEL_MASTER));
        if (places.size() > 1) {
            StringBuilder both = new StringBuilder();
            for (ConfigEntry entry : places) {
                both.append(both.length() == 0 ? "" : " and ").append(entry.key()).append(" (").append(entry.origin())
                        .append(')');
            }
            problems.add(both + " are all set: expected exactly one of " + REDIS_URL + " (one Redis), "
                    + REDIS_CLUSTER + " (a Redis Cluster) or " + REDIS_SENTINEL
                    + " (a primary found through Sentinel)");
            return null;
        }
        if (places.isEmpty()) {
            for (String dependent : List.of(REDIS_TIMEOUT, REDIS_POOL_SIZE, REDIS_SENTINEL_MASTER, REDIS_USER,
                    REDIS_PASSWORD, REDIS_TLS)) {
                ConfigEntry entry = entries.get(ConfigEntry.normalize(dependent));
                if (entry != null) {
                    problems.add(entry.key() + " (" + entry.origin() + ") is set but none of " + REDIS_URL + ", "
                            + REDIS_CLUSTER + ", " + REDIS_SENTINEL
                            + " is: expected one of them beside it, or neither");
                }
            }
            return null;
        }
        ConfigEntry place = places.get(0);
        boolean sentinel = place.normalizedKey().equals(ConfigEntry.normalize(REDIS_SENTINEL));
        if (sentinel && masterEntry == null) {
            problems.add(place.key() + " (" + place.origin() + ") is set but " + REDIS_SENTINEL_MASTER + " is not: "
                    + "expected the name the Sentinels know the primary by beside it");
        } else if (!sentinel && masterEntry != null) {
            problems.add(masterEntry.key() + " (" + masterEntry.origin() + ") is set but " + REDIS_SENTINEL
                    + " is not: expected the Sentinels beside it");
        }
        ConfigEntry userEntry = entries.get(ConfigEntry.normalize(REDIS_USER));
        if (userEntry != null && password == null && entries.get(ConfigEntry.normalize(REDIS_PASSWORD)) == null) {
            problems.add(userEntry.key() + " (" + userEntry.origin() + ") is set but " + REDIS_PASSWORD + " is not: "
                    + "expected the user's password beside it");
        }
        if (url != null) {
            RedisSettings settings = new RedisSettings(url, timeout, poolSize);
            ConfigEntry tlsEntry = entries.get(ConfigEntry.normalize(REDIS_TLS));
            if (tls != null && tls != settings.tls()) {
                problems.add(tlsEntry.problem(settings.tls() ? "true, or nothing: " + place.key() + " says rediss:// "
                        + "(TLS)" : "false, or nothing: " + place.key() + " says redis:// (no TLS); for TLS write "
                        + "rediss:// there"));
            }
            if (url.getRawUserInfo() != null && (user != null || password != null)) {
                ConfigEntry credential = entries.get(ConfigEntry.normalize(user != null ? REDIS_USER : REDIS_PASSWORD));
                problems.add(credential.key() + " (" + credential.origin() + ") is set but " + place.key()
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

    /**
     * The Sentinels' own credentials ({@code bulwark.redis.sentinel.user}, {@code .password}): only beside
     * {@code bulwark.redis.sentinel}, a user only with a password.
     */
    private RedisSettings sentinelCredentials(Map<String, ConfigEntry> entries, RedisSettings redis, String user,
            String password) {
        ConfigEntry userEntry = entries.get(ConfigEntry.normalize(REDIS_SENTINEL_USER));
        ConfigEntry passwordEntry = entries.get(ConfigEntry.normalize(REDIS_SENTINEL_PASSWORD));
        if (entries.get(ConfigEntry.normalize(REDIS_SENTINEL)) == null) {
            for (ConfigEntry entry : new ConfigEntry[] {userEntry, passwordEntry}) {
                if (entry != null) {
                    problems.add(entry.key() + " (" + entry.origin() + ") is set but " + REDIS_SENTINEL + " is not: "
                            + "expected the Sentinels beside it (the data nodes' credentials are " + REDIS_USER
                            + " and " + REDIS_PASSWORD + ")");
                }
            }
            return redis;
        }
        if (userEntry != null && passwordEntry == null) {
            problems.add(userEntry.key() + " (" + userEntry.origin() + ") is set but " + REDIS_SENTINEL_PASSWORD
                    + " is not: expected the Sentinel user's password beside it");
        }
        return redis == null || password == null ? redis : redis.withSentinelCredentials(user, password);
    }

    private List<RedisSettings.Node> redisNodes(ConfigEntry entry, String expected) {
        List<RedisSettings.Node> nodes = RedisSettings.nodes(entry.value());
        if (nodes == null) {
            problems.add(entry.problem(expected + " (at most 64, no duplicates)"));
        }
        return nodes;
    }

    /** A Sentinel master name or an ACL user: printable, no spaces, at most 128 characters. */
    private String redisName(ConfigEntry entry, String expected) {
        String value = entry.value();
        boolean ok = !value.isEmpty() && value.length() <= 128;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c > 0x20 && c != 0x7f;
        }
        if (!ok) {
            problems.add(entry.problem(expected));
            return null;
        }
        return value;
    }

    private String redisPassword(ConfigEntry entry) {
        String value = entry.value();
        boolean ok = !value.isEmpty() && value.length() <= 4_096;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c >= 0x20 && c != 0x7f;
        }
        if (!ok) {
            problems.add(entry.problem("the Redis password: 1 to 4096 characters, no control characters"));
            return null;
        }
        return value;
    }

    private Mode mode(ConfigEntry entry) {
        Mode mode = Mode.fromConfig(entry.value());
        if (mode == null) {
            problems.add(entry.problem("enforce (refuse what the limit does not admit, the default) or shadow (count "
                    + "and report what would be refused, refusing nothing)"));
            return Mode.ENFORCE;
        }
        return mode;
    }

    private URI redisUrl(ConfigEntry entry) {
        try {
            URI url = new URI(entry.value());
            String problem = RedisSettings.problem(url);
            if (problem == null) {
                return url;
            }
            problems.add(entry.problem(problem));
        } catch (URISyntaxException e) {
            problems.add(entry.problem("a URL such as redis://cache.internal:6379/0"));
        }
        return null;
    }

    private Duration timeout(ConfigEntry entry) {
        try {
            Duration d = DurationSyntax.parse(entry.value());
            if (d.toMillis() >= 1 && d.compareTo(Duration.ofMinutes(1)) <= 0) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(entry.problem("a duration from 1ms to 1m, such as 250ms or 2s"));
        return null;
    }

    private boolean bool(ConfigEntry entry) {
        if (entry.value().equalsIgnoreCase("true")) {
            return true;
        }
        if (entry.value().equalsIgnoreCase("false")) {
            return false;
        }
        problems.add(entry.problem("true or false"));
        return true;
    }

    /**
     * {@code bulwark.ratelimit.max-memory}: bytes ({@code 67108864}), with a binary unit ({@code 64m}, {@code 512k},
     * {@code 1g}), or a share of the heap ({@code 5%}); at least 1 MB. 0 (not configured) means the default.
     */
    private long bytes(ConfigEntry entry) {
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
        problems.add(entry.problem("a size of at least 1 MB: bytes, or with a unit (512k, 64m, 1g), or a share of "
                + "the heap such as 5%"));
        return 0;
    }

    private int wholeNumber(ConfigEntry entry, int min, int max, int fallback) {
        try {
            int value = Integer.parseInt(entry.value());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(entry.problem("a whole number from " + min + " to " + max));
        return fallback;
    }

    private Duration duration(ConfigEntry entry) {
        try {
            Duration d = DurationSyntax.parse(entry.value());
            if (!d.isZero()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(entry.problem(
                "a positive duration such as 30s, 5m, 1h, 1d, 1h30m or ISO-8601 PT5M, at most 366d"));
        return null;
    }

    private List<String> packages(ConfigEntry entry) {
        List<String> prefixes = new ArrayList<>();
        for (String part : entry.value().split(",", -1)) {
            String prefix = part.strip();
            if (prefix.isEmpty() && entry.value().isBlank()) {
                continue;
            }
            if (!packagePrefix(prefix)) {
                problems.add(entry.problem("a comma-separated list of package names such as com.acme,org.example.api"));
                return List.of();
            }
            prefixes.add(prefix.endsWith(".") ? prefix : prefix + ".");
        }
        return prefixes;
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

    private final class OverrideBuilder {
        private Integer limit;
        private Duration window;
        private Duration lockout;
        private Algorithm algorithm;
        private Mode mode;
        private final List<String> keys = new ArrayList<>();

        void set(String attribute, ConfigEntry entry) {
            keys.add(entry.key() + " (" + entry.origin() + ")");
            switch (attribute) {
                case "limit" -> limit = wholeNumber(entry, 1, MAX_LIMIT, 1);
                case "window" -> window = duration(entry);
                case "lockout" -> lockout = duration(entry);
                case "mode" -> mode = mode(entry);
                default -> algorithm = algorithm(entry);
            }
        }

        Settings.PolicyOverride build() {
            return new Settings.PolicyOverride(limit, window, lockout, algorithm, mode, String.join(", ", keys));
        }
    }
}
