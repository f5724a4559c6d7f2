package io.bulwark.runtime.config;

import static io.bulwark.runtime.config.ConfigKey.Applies.LIVE;
import static io.bulwark.runtime.config.ConfigKey.Applies.RESTART;
import static io.bulwark.runtime.config.KeySpec.bool;
import static io.bulwark.runtime.config.KeySpec.duration;
import static io.bulwark.runtime.config.KeySpec.kind;
import static io.bulwark.runtime.config.KeySpec.number;
import static io.bulwark.runtime.config.KeySpec.positiveDuration;

import io.bulwark.runtime.config.KeySpec.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every key the agent reads, in the order of the table in {@code docs/configuration.md}, which
 * {@code ConfigurationDocTest} checks against this list. A key's {@link KeySpec} says what {@link ValueParser} checks
 * and what a problem with it says; its area says which reader applies it; {@link Applies} whether a change of the
 * configuration file applies while the agent runs ({@link ConfigWatch}).
 *
 * <p>A new key: a constant here, its row in the documentation, and a case in its area's reader.
 */
enum ConfigKey {

    ENABLED("bulwark.enabled", Area.CORE, bool("true"), RESTART,
            "`false` turns the agent off: nothing is woven, nothing guarded"),
    POLICY_LIMIT("bulwark.ratelimit.<name>.limit", Area.POLICY, number(null, 1, 1_000_000_000).byDefault("as declared"),
            LIVE, "change a policy's limit without recompiling"),
    POLICY_WINDOW("bulwark.ratelimit.<name>.window", Area.POLICY, positiveDuration().byDefault("as declared"), LIVE,
            "change its window (`30s`, `5m`, `1h`, `1d`, `1h30m`, ISO `PT5M`)"),
    POLICY_LOCKOUT("bulwark.ratelimit.<name>.lockout", Area.POLICY, positiveDuration().byDefault("as declared"), LIVE,
            "change its lockout (policies with `count = FAILURES` only)"),
    POLICY_ALGORITHM("bulwark.ratelimit.<name>.algorithm", Area.POLICY, kind(Kind.CHOICE, null,
            "`gcra`, `sliding-window`", "gcra or sliding-window").byDefault("`bulwark.ratelimit.algorithm`"), LIVE,
            "how one `count = CALLS` policy counts"),
    ALGORITHM("bulwark.ratelimit.algorithm", Area.RATE_LIMIT, kind(Kind.CHOICE, "gcra", "`gcra`, `sliding-window`",
            "gcra or sliding-window"), LIVE, "how `count = CALLS` policies count"),
    POLICY_MODE("bulwark.ratelimit.<name>.mode", Area.POLICY, kind(Kind.CHOICE, null, "`enforce`, `shadow`",
            ConfigKey.MODE_EXPECTED).byDefault("`bulwark.ratelimit.mode`"), LIVE,
            "the mode of one policy ([Shadow mode](rate-limits.md#shadow-mode))"),
    MODE("bulwark.ratelimit.mode", Area.RATE_LIMIT, kind(Kind.CHOICE, "enforce", "`enforce`, `shadow`",
            ConfigKey.MODE_EXPECTED), LIVE,
            "`enforce`: refuse what a limit does not admit; `shadow`: count and report, refuse nothing"),
    REDIS_URL("bulwark.redis.url", Area.REDIS, kind(Kind.URL, null, "`redis://[[user]:password@]host[:port][/db]`, "
            + "`rediss://` for TLS", "a URL such as redis://cache.internal:6379/0").byDefault("none: in memory"),
            RESTART, "shares limits between instances. Exactly one of `url`, `cluster` and `sentinel` may be set"),
    REDIS_CLUSTER("bulwark.redis.cluster", Area.REDIS, kind(Kind.LIST, null, "`host:port,host:port` (`[::1]:7000` for "
            + "IPv6), at most 64", "the cluster's seed nodes as host:port,host:port, such as "
            + "redis-0.cache:6379,redis-1.cache:6379 (at most 64, no duplicates)").byDefault("none"), RESTART,
            "a Redis Cluster instead: its seed nodes; the rest of the cluster is found from them"),
    REDIS_SENTINEL("bulwark.redis.sentinel", Area.REDIS, kind(Kind.LIST, null, "`host:port,host:port`, at most 64",
            "the Sentinels as host:port,host:port, such as sentinel-0:26379,sentinel-1:26379,sentinel-2:26379 (at most "
            + "64, no duplicates)").byDefault("none"), RESTART,
            "a primary watched by Sentinel instead: the Sentinels; needs `bulwark.redis.sentinel.master`"),
    REDIS_SENTINEL_MASTER("bulwark.redis.sentinel.master", Area.REDIS, kind(Kind.TEXT, null, "a name",
            "the name the Sentinels know the primary by (sentinel monitor NAME ...), such as mymaster")
            .byDefault("none"), RESTART, "the name the Sentinels know the primary by (`sentinel monitor NAME ...`)"),
    REDIS_USER("bulwark.redis.user", Area.REDIS, kind(Kind.TEXT, null, "a name",
            "an ACL user name without spaces or control characters").byDefault("the default user"), RESTART,
            "ACL user for the Redis nodes (not the Sentinels); needs `bulwark.redis.password`"),
    REDIS_PASSWORD("bulwark.redis.password", Area.REDIS, kind(Kind.TEXT, null, "1 to 4096 characters",
            "the Redis password: 1 to 4096 characters, no control characters").byDefault("none").secret(), RESTART,
            "password for the Redis nodes (not the Sentinels); with `url`, only if the URL carries no credentials"),
    REDIS_TLS("bulwark.redis.tls", Area.REDIS, bool("false"), RESTART,
            "TLS (verified against the JVM's trust store) to every node and Sentinel; with `url`, must agree with its "
            + "scheme"),
    REDIS_TIMEOUT("bulwark.redis.timeout", Area.REDIS, duration("250ms", Duration.ofMillis(1), Duration.ofMinutes(1),
            "`1ms` to `1m`", "a duration from 1ms to 1m, such as 250ms or 2s"), RESTART,
            "connect, read and pool-wait timeout; past it a check follows its failure policy"),
    REDIS_POOL_SIZE("bulwark.redis.pool-size", Area.REDIS, number("16", 1, 1_024), RESTART,
            "connections to Redis at most (per node on a cluster)"),
    MAX_MEMORY("bulwark.ratelimit.max-memory", Area.RATE_LIMIT, kind(Kind.SIZE, null, "bytes, `64m`, `1g`, or `10%` of "
            + "the heap; at least 1 MB", "a size of at least 1 MB: bytes, or with a unit (512k, 64m, 1g), or a share "
            + "of the heap such as 5%").byDefault("5% of the heap (at least 4 MB)"), RESTART,
            "what the in-memory engine's state may take. Half is shared, half reserved in equal shares per policy: a "
            + "policy flooded with new keys is refused them (503, or admitted uncounted with `onStoreFailure = OPEN`; "
            + "lockouts always refuse) once it has filled the shared half and its share, and every other policy keeps "
            + "its own. Idle keys are dropped first"),
    MAX_KEYS("bulwark.ratelimit.max-keys", Area.RATE_LIMIT, number("1000000", 1_000, 100_000_000), RESTART,
            "keys the in-memory engine holds, shared out like `max-memory`"),
    IPV6_PREFIX("bulwark.ratelimit.ipv6-prefix", Area.RATE_LIMIT, number("64", 48, 128), RESTART,
            "leading bits of an IPv6 address that make its `{caller.ip}` key"),
    SCAN("bulwark.scan", Area.CORE, kind(Kind.CHOICE, "annotations", "`annotations`, `index`", "annotations (the "
            + "default: the processor's index, and for classes it does not list a check of their class file for "
            + "Bulwark's annotations) or index (only the classes the processor's index lists: classes compiled without "
            + "it run UNGUARDED)"), RESTART,
            "`annotations`: the classes the processor indexed, and every other class whose constant pool names a "
            + "Bulwark annotation (compiled without the processor; each is logged by name); `index`: only the indexed "
            + "classes, classes compiled without the processor run UNGUARDED"),
    SCAN_PACKAGES("bulwark.scan.packages", Area.CORE, kind(Kind.LIST, null, "package names, `com.acme,org.example.api`",
            "a comma-separated list of package names such as com.acme,org.example.api").byDefault("all"), RESTART,
            "package prefixes the check for classes the index does not list looks in; indexed classes are woven "
            + "wherever they are"),
    REQUIRE_WOVEN("bulwark.require-woven", Area.CORE, bool("false"), RESTART,
            "an indexed method that cannot be woven is refused (its class fails to load) instead of reported"),
    TOTP_KEY("bulwark.totp.key", Area.TWO_FACTOR, kind(Kind.KEY, null, "32 bytes in Base64",
            "32 random bytes in Base64, such as the output of: openssl rand -base64 32").byDefault("none").secret(),
            RESTART, "the AES-256 key of stored second factors (`openssl rand -base64 32`); required with "
            + "`bulwark.jdbc.url`, else one is made under the data directory"),
    TOTP_OLD_KEYS("bulwark.totp.old-keys", Area.TWO_FACTOR, kind(Kind.KEY, null, "32 bytes in Base64, comma-separated",
            "32 random bytes in Base64, such as the output of: openssl rand -base64 32 (several separated by commas)")
            .byDefault("none").secret(), RESTART,
            "earlier keys: secrets under them still open and move to the current key when next used"),
    TOTP_ISSUER("bulwark.totp.issuer", Area.TWO_FACTOR, kind(Kind.TEXT, "Bulwark", "1 to 64 characters, no `:`",
            "1 to 64 characters without ':', control characters or surrounding spaces, such as ACME Bank"), RESTART,
            "the name authenticator apps show above the code"),
    TOTP_ALGORITHM("bulwark.totp.algorithm", Area.TWO_FACTOR, kind(Kind.CHOICE, "SHA1", "`SHA1`, `SHA256`, `SHA512`",
            "SHA1 (what every authenticator app reads), SHA256 or SHA512"), RESTART,
            "for new enrollments (many apps read only SHA1)"),
    TOTP_DIGITS("bulwark.totp.digits", Area.TWO_FACTOR, kind(Kind.CHOICE, "6", "`6`, `8`", "6 or 8"), RESTART,
            "digits of a code, for new enrollments"),
    TOTP_MAX_FAILURES("bulwark.totp.max-failures", Area.TWO_FACTOR, number("10", 4, 100), RESTART,
            "wrong codes in a row that lock a second factor, or a pending enrollment"),
    TOTP_ENROLLMENT_TTL("bulwark.totp.enrollment-ttl", Area.TWO_FACTOR, duration("10m", Duration.ofMinutes(1),
            Duration.ofDays(1), "`1m` to `1d`", "a duration from 1m to 1d, such as 10m"), RESTART,
            "how long an enrollment waits for its first code"),
    LOG_LEVEL("bulwark.log.level", Area.CORE, kind(Kind.CHOICE, "info", "`error`, `warn`, `info`, `debug`",
            "one of error, warn, info, debug"), RESTART, "Bulwark logs to standard error, `[bulwark] ...`"),
    DATA_DIR("bulwark.data-dir", Area.AUDIT, kind(Kind.PATH, "bulwark-data", "a directory", "a directory path"),
            RESTART, "where the audit journal lives (`<dir>/audit`) and, without PostgreSQL, second factors "
            + "(`<dir>/2fa`); created on first use, owner-only; refused at startup when others may write it or "
            + "another user owns it"),
    JDBC_URL("bulwark.jdbc.url", Area.AUDIT, kind(Kind.URL, null, "`jdbc:postgresql://host:5432/db`",
            "a PostgreSQL JDBC URL such as jdbc:postgresql://db.internal:5432/app").byDefault("none: the journal only"),
            RESTART, "audit events are shipped there, and second factors kept there (`user_security_settings`)"),
    JDBC_USER("bulwark.jdbc.user", Area.AUDIT, kind(Kind.TEXT, null, "any", "any").byDefault("from the URL"), RESTART,
            "PostgreSQL user"),
    JDBC_PASSWORD("bulwark.jdbc.password", Area.AUDIT, kind(Kind.TEXT, null, "any", "any").byDefault("from the URL")
            .secret(), RESTART, "PostgreSQL password"),
    JDBC_POOL_SIZE("bulwark.jdbc.pool-size", Area.AUDIT, number("2", 1, 64), RESTART,
            "connections Bulwark's own pool to PostgreSQL holds at most"),
    AUDIT_RETENTION("bulwark.audit.retention", Area.AUDIT, kind(Kind.DURATION, "90d", "`400d`, `7y`, a duration of a "
            + "day or more, `forever`", "a retention of at least one day such as 90d, 400d or 7y, or forever"),
            RESTART, "how long audit events are kept"),
    AUDIT_QUEUE("bulwark.audit.queue", Area.AUDIT, number("65536", 1_024, 16_777_216), RESTART,
            "audited calls in flight whose events are not yet staged, at most; past it audited calls are refused "
            + "(503). Staged events do not count: they wait in the staging area on disk"),
    AUDIT_MAX_CAPTURE("bulwark.audit.max-capture", Area.AUDIT, number("16384", 256, 1_048_576), RESTART,
            "characters of captured arguments per event, at most"),
    AUDIT_HASH_KEY("bulwark.audit.hash-key", Area.AUDIT, kind(Kind.KEY, null, "32 or more bytes in Base64",
            "at least 32 random bytes in Base64 (openssl rand -base64 32)")
            .byDefault("made in `<data-dir>/audit/hash.key`").secret(), RESTART,
            "the key of `@Redact(mode = HASH)` (`openssl rand -base64 32`); share it between instances whose hashes "
            + "must match"),
    AUDIT_CHAIN_KEY("bulwark.audit.chain-key", Area.AUDIT, kind(Kind.KEY, null, "32 or more bytes in Base64",
            "at least 32 random bytes in Base64 (openssl rand -base64 32)")
            .byDefault("made in `<data-dir>/audit/chain.key`").secret(), RESTART,
            "the key the audit chain is sealed with (HMAC-SHA-256); never stored in PostgreSQL; share it between "
            + "instances so that one key verifies them all ([Tamper evidence](audit.md#tamper-evidence))"),
    AUDIT_CHECKPOINT_EVENTS("bulwark.audit.checkpoint-events", Area.AUDIT, number("100000", 1, 1_000_000_000),
            RESTART, "a signed checkpoint of each writer's head after at most this many events"),
    AUDIT_CHECKPOINT_INTERVAL("bulwark.audit.checkpoint-interval", Area.AUDIT, duration("60s", Duration.ofSeconds(1),
            Duration.ofDays(1), "`1s` to `1d`", "a duration from 1s to 1d, such as 60s or 5m"), RESTART,
            "or after at most this long, whichever comes first"),
    AUDIT_DRAIN_TIMEOUT("bulwark.audit.drain-timeout", Area.AUDIT, duration("10s", Duration.ZERO,
            Duration.ofMinutes(10), "`0s` to `10m`", "a duration from 0s to 10m, such as 10s or 25s"), RESTART,
            "at a normal JVM exit, how long shipping what the journal holds to PostgreSQL may take (0: do not wait) "
            + "([At exit](audit.md#at-exit-and-where-local-disks-are-ephemeral))"),
    AUDIT_DURABILITY("bulwark.audit.durability", Area.AUDIT, kind(Kind.CHOICE, "mmap", "`mmap`, `sync`", "mmap (an "
            + "audited call returns once its event is staged in a memory-mapped file: kept through a crash of the "
            + "process) or sync (once the journal's fsync covers it)"), RESTART,
            "`mmap`: an audited call returns once its event is in the memory-mapped staging area, kept through any "
            + "death of the process, a power cut costing at most the last 2 ms (and one 4 KiB page of events); "
            + "`sync`: it returns once the journal's `fsync` covers its event (group commit)");

    /** Which reader applies a key. */
    enum Area {
        CORE, RATE_LIMIT, POLICY, REDIS, AUDIT, TWO_FACTOR
    }

    /** Whether a change of the configuration file applies while the agent runs, or at the next start. */
    enum Applies {
        RESTART, LIVE
    }

    private static final String MODE_EXPECTED = "enforce (refuse what the limit does not admit, the default) or shadow "
            + "(count and report what would be refused, refusing nothing)";
    private static final String PATTERN = "<name>";

    final String key;
    final Area area;
    final KeySpec spec;
    final Applies applies;
    final String description;
    /** For {@code bulwark.ratelimit.<name>.limit}: {@code bulwark_ratelimit_} and {@code _limit}; else the key. */
    private final String prefix;
    private final String suffix;

    ConfigKey(String key, Area area, KeySpec spec, Applies applies, String description) {
        this.key = key;
        this.area = area;
        this.spec = spec;
        this.applies = applies;
        this.description = description;
        int at = key.indexOf(PATTERN);
        this.prefix = ConfigEntry.normalize(at < 0 ? key : key.substring(0, at));
        this.suffix = at < 0 ? null : ConfigEntry.normalize(key.substring(at + PATTERN.length()));
    }

    /** The key every spelling of this one shares ({@link ConfigEntry#normalize}); patterns have none. */
    String normalized() {
        return prefix;
    }

    boolean isPattern() {
        return suffix != null;
    }

    /**
     * The key a normalized spelling names: an exact key first, then a pattern ({@code bulwark_ratelimit_<name>_limit}
     * with a name of at least one character); null when it names none.
     */
    static ConfigKey of(String normalizedKey) {
        ConfigKey[] keys = values();
        for (ConfigKey key : keys) {
            if (!key.isPattern() && key.prefix.equals(normalizedKey)) {
                return key;
            }
        }
        for (ConfigKey key : keys) {
            if (key.isPattern() && normalizedKey.startsWith(key.prefix) && normalizedKey.endsWith(key.suffix)
                    && normalizedKey.length() > key.prefix.length() + key.suffix.length()) {
                return key;
            }
        }
        return null;
    }

    /** The {@code <name>} of a pattern key's normalized spelling, such as {@code login}. */
    String patternName(String normalizedKey) {
        return normalizedKey.substring(prefix.length(), normalizedKey.length() - suffix.length());
    }

    /** Every key as written in the documentation, patterns included. */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ConfigKey key : values()) {
            names.add(key.key);
        }
        return names;
    }
}
