package io.bulwark.runtime.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.Algorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private Path file(String content) throws IOException {
        Path f = dir.resolve("bulwark.properties");
        Files.writeString(f, content);
        return f;
    }

    private static List<String> problems(String arg, Properties p, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(arg, p, env)).problems();
    }

    @Test
    void nothingConfiguredMeansTheDefaults() {
        assertEquals(Settings.defaults(), ConfigLoader.load(null, new Properties(), Map.of()));
    }

    @Test
    void systemPropertiesOverrideTheFileAndTheEnvironmentOverridesBoth() throws IOException {
        Path f = file("bulwark.ratelimit.login.limit=3\nbulwark.ratelimit.login.window=1m\nbulwark.log.level=warn\n");
        Settings s = ConfigLoader.load("config=" + f, props("bulwark.ratelimit.login.limit", "4"),
                Map.of("BULWARK_RATELIMIT_LOGIN_LIMIT", "7"));
        Settings.PolicyOverride login = s.override("login").orElseThrow();
        assertEquals(7, login.limit());
        assertEquals(Duration.ofMinutes(1), login.window());
        assertEquals(Log.Level.WARN, s.logLevel());
    }

    @Test
    void environmentSpellingsReachPolicyNamesWithDashesAndDots() {
        Settings s = ConfigLoader.load(null, new Properties(), Map.of("BULWARK_RATELIMIT_API_QUOTA_WINDOW", "30s",
                "BULWARK_SCAN_PACKAGES", "com.acme, org.example.api"));
        assertEquals(Duration.ofSeconds(30), s.override("api-quota").orElseThrow().window());
        assertEquals(Duration.ofSeconds(30), s.override("api.quota").orElseThrow().window());
        assertEquals(List.of("com.acme.", "org.example.api."), s.scanPackages());
    }

    @Test
    void scanPackagesArePackageNamesOrPrefixesEndingInADot() {
        assertEquals(List.of("com.acme.", "org.ex_1.", "café.", "\ud801\udc00x."), ConfigLoader.load(null,
                props("bulwark.scan.packages", "com.acme.,org.ex_1, café,\ud801\udc00x"), Map.of()).scanPackages());
        for (String bad : List.of("com..acme", "1com", "com.acme-x", ".com", "com.acme..", "com.*")) {
            assertEquals(List.of("bulwark.scan.packages (system property) has value '" + bad + "': expected a "
                    + "comma-separated list of package names such as com.acme,org.example.api"),
                    problems(null, props("bulwark.scan.packages", bad), Map.of()), bad);
        }
    }

    @Test
    void aBadValueNamesTheKeyItsOriginTheValueAndWhatWasExpected() {
        assertEquals(List.of("bulwark.ratelimit.login.limit (system property) has value 'abc': expected a whole number "
                + "from 1 to 1000000000"), problems(null, props("bulwark.ratelimit.login.limit", "abc"), Map.of()));
        assertEquals(List.of("BULWARK_ENABLED (environment variable) has value 'yes': expected true or false"),
                problems(null, new Properties(), Map.of("BULWARK_ENABLED", "yes")));
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Path f = file("bulwark.ratelimit.login.window=5 minutes\nbulwark.log.level=loud\n");
        List<String> problems = problems("config=" + f, props("bulwark.ratelimit.max-keys", "10"), Map.of());
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("bulwark.log.level (file " + f + ") has value 'loud': expected one of"));
        assertTrue(problems.get(1).startsWith("bulwark.ratelimit.login.window (file " + f + ") has value '5 minutes'"));
        assertTrue(problems.get(2).startsWith("bulwark.ratelimit.max-keys (system property) has value '10'"));
    }

    @Test
    void anUnknownKeyInAFileOrPropertyIsAnErrorWithASuggestion() {
        List<String> problems = problems(null, props("bulwark.enabeld", "false"), Map.of());
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("bulwark.enabeld (system property) is not a Bulwark configuration key"));
        assertTrue(problems.get(0).endsWith("did you mean 'bulwark.enabled'?"), problems.get(0));
    }

    @Test
    void unknownEnvironmentVariablesAreOnlyWarnedAboutAndTestVariablesIgnored() {
        Settings s = ConfigLoader.load(null, new Properties(), Map.of("BULWARK_HOME", "/opt/bulwark",
                "BULWARK_TEST_REDIS_URL", "redis://localhost"));
        assertEquals(Settings.defaults(), s);
    }

    @Test
    void theTotpKeysAreReadAndOldKeysKeptForRotation() {
        String a = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        byte[] ones = new byte[32];
        java.util.Arrays.fill(ones, (byte) 1);
        String b = java.util.Base64.getEncoder().encodeToString(ones);
        Settings s = ConfigLoader.load(null, props("bulwark.totp.key", b, "bulwark.totp.old-keys", a + ", " + a,
                "bulwark.totp.issuer", "ACME Bank", "bulwark.totp.algorithm", "sha256", "bulwark.totp.digits", "8",
                "bulwark.totp.max-failures", "5"), Map.of());
        assertArrayEquals(ones, s.twoFactor().key());
        assertEquals(2, s.twoFactor().oldKeys().size());
        assertEquals("ACME Bank", s.twoFactor().issuer());
        assertEquals(new io.bulwark.runtime.twofactor.TotpParameters(io.bulwark.runtime.twofactor.TotpAlgorithm.SHA256,
                8, 30), s.twoFactor().parameters());
        assertEquals(5, s.twoFactor().maxFailures());
        assertFalse(s.twoFactor().toString().contains(b), "the key is never printed");
    }

    @Test
    void aBadTotpKeyIsNamedWithoutItsValue() {
        List<String> problems = problems(null, new Properties(), Map.of("BULWARK_TOTP_KEY", "hunter2hunter2",
                "BULWARK_TOTP_DIGITS", "7", "BULWARK_TOTP_ISSUER", "Evil:Corp"));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("BULWARK_TOTP_KEY (environment variable)")
                && p.contains("32 random bytes in Base64")), problems.toString());
        assertTrue(problems.stream().noneMatch(p -> p.contains("hunter2")),
                "the key's value is not echoed: " + problems);
        assertTrue(problems.stream().anyMatch(p -> p.contains("BULWARK_TOTP_DIGITS") && p.contains("6 or 8")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("BULWARK_TOTP_ISSUER") && p.contains("without ':'")));
    }

    @Test
    void oldTotpKeysNeedACurrentOne() {
        String a = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        List<String> problems = problems(null, props("bulwark.totp.old-keys", a), Map.of());
        assertEquals(List.of("bulwark.totp.old-keys (system property) is set but bulwark.totp.key is not: old keys are "
                + "only read beside the current one"), problems);
    }

    /** Before 2026-12-03 an old key that was not a key left a null in the list: NullPointerException, exit 70. */
    @Test
    void anOldTotpKeyThatIsNoKeyIsAProblemNotACrash() {
        String a = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String shortKey = java.util.Base64.getEncoder().encodeToString(new byte[20]);
        List<String> problems = problems(null, props("bulwark.totp.key", a, "bulwark.totp.old-keys",
                a + "," + shortKey), Map.of());
        assertEquals(List.of("bulwark.totp.old-keys (system property) has value <hidden, " + (a.length() + 1
                + shortKey.length()) + " characters>: expected 32 random bytes in Base64, such as the output of: "
                + "openssl rand -base64 32 (several separated by commas)"), problems);
    }

    @Test
    void webAdapterKeysArePassedOverInPropertiesAndEnvironmentButRefusedInTheAgentsFile() throws IOException {
        assertEquals(Settings.defaults(), ConfigLoader.load(null, props("bulwark.web.trusted-proxies", "10.0.0.0/8"),
                Map.of("BULWARK_WEB_USER_HEADER", "X-User")));
        List<String> problems = problems("config=" + file("bulwark.web.trusted-proxies=10.0.0.0/8\n"),
                new Properties(), Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("bulwark.web.trusted-proxies (file ") && problems.get(0)
                .endsWith("is read by Bulwark's web adapters, not by the agent: set it in the application's "
                        + "configuration (application.properties, the filter's init parameters) or as a system "
                        + "property"), problems.get(0));
    }

    @Test
    void aRedisUrlSelectsTheSharedStoreWithItsTimeoutsAndCredentials() {
        Settings s = ConfigLoader.load(null, props("bulwark.redis.url", "rediss://app:s%40cret@cache.internal:6380/2",
                "bulwark.redis.timeout", "100ms", "bulwark.redis.pool-size", "4"), Map.of());
        RedisSettings redis = s.redis();
        assertEquals("cache.internal", redis.host());
        assertEquals(6380, redis.port());
        assertEquals(2, redis.database());
        assertTrue(redis.tls());
        assertEquals("app", redis.user());
        assertEquals("s@cret", redis.password());
        assertEquals(Duration.ofMillis(100), redis.timeout());
        assertEquals(4, redis.poolSize());
        assertEquals("rediss://cache.internal:6380/2 (with credentials)", redis.display());
        RedisSettings defaults = ConfigLoader.load(null, props("bulwark.redis.url", "redis://:pw@localhost"), Map.of())
                .redis();
        assertEquals(null, defaults.user());
        assertEquals("pw", defaults.password());
        assertEquals(6379, defaults.port());
        assertEquals(RedisSettings.DEFAULT_TIMEOUT, defaults.timeout());
    }

    @Test
    void aBadRedisUrlIsRefusedWithoutRepeatingItsPassword() {
        for (String bad : List.of("http://cache:6379", "redis://", "redis://cache/db1", "redis://pw@cache",
                "redis://cache?timeout=1", "not a url at all")) {
            List<String> problems = problems(null, props("bulwark.redis.url", bad), Map.of());
            assertEquals(1, problems.size(), bad);
            assertTrue(problems.get(0).startsWith("bulwark.redis.url (system property) has value"), problems.get(0));
        }
        String problem = problems(null, props("bulwark.redis.url", "redis://u:topsecret@cache/x"), Map.of()).get(0);
        assertFalse(problem.contains("topsecret"), problem);
        assertTrue(problem.contains("'<credentials hidden>@cache/x'"), problem);
    }

    @Test
    void redisTuningWithoutARedisIsAMistake() {
        assertEquals(List.of("bulwark.redis.timeout (system property) is set but none of bulwark.redis.url, "
                + "bulwark.redis.cluster, bulwark.redis.sentinel is: expected one of them beside it, or neither"),
                problems(null, props("bulwark.redis.timeout", "1s"), Map.of()));
        assertEquals(1, problems(null, props("bulwark.redis.password", "pw"), Map.of()).size());
        assertEquals(1, problems(null, props("bulwark.redis.sentinel.master", "mymaster"), Map.of()).size());
    }

    @Test
    void aClusterIsNamedByItsSeedNodesWithCredentialsAndTlsBeside() {
        Settings s = ConfigLoader.load(null, props("bulwark.redis.cluster",
                "redis-0.cache:7000, [::1]:7001,10.0.0.3:7002",
                "bulwark.redis.user", "app", "bulwark.redis.password", "s3cret", "bulwark.redis.tls", "true",
                "bulwark.redis.timeout", "100ms"), Map.of());
        RedisSettings redis = s.redis();
        assertEquals(RedisSettings.Topology.CLUSTER, redis.topology());
        assertEquals(List.of(new RedisSettings.Node("redis-0.cache", 7000), new RedisSettings.Node("::1", 7001),
                new RedisSettings.Node("10.0.0.3", 7002)), redis.nodes());
        assertEquals("app", redis.user());
        assertEquals("s3cret", redis.password());
        assertTrue(redis.tls());
        assertEquals(Duration.ofMillis(100), redis.timeout());
        assertEquals("rediss-cluster://redis-0.cache:7000,[::1]:7001,10.0.0.3:7002 (with credentials)",
                redis.display());
        assertFalse(redis.toString().contains("s3cret"), redis.toString());
    }

    @Test
    void sentinelsNeedTheirMasterName() {
        Settings s = ConfigLoader.load(null, new Properties(), Map.of(
                "BULWARK_REDIS_SENTINEL", "s1:26379,s2:26379,s3:26379",
                "BULWARK_REDIS_SENTINEL_MASTER", "mymaster", "BULWARK_REDIS_PASSWORD", "pw"));
        RedisSettings redis = s.redis();
        assertEquals(RedisSettings.Topology.SENTINEL, redis.topology());
        assertEquals(3, redis.nodes().size());
        assertEquals("mymaster", redis.master());
        assertEquals("pw", redis.password());
        assertFalse(redis.tls());
        assertEquals("redis-sentinel://s1:26379,s2:26379,s3:26379/mymaster (with credentials)", redis.display());
        assertEquals(List.of("bulwark.redis.sentinel (system property) is set but bulwark.redis.sentinel.master is "
                + "not: expected the name the Sentinels know the primary by beside it"),
                problems(null, props("bulwark.redis.sentinel", "s1:26379"), Map.of()));
        assertEquals(List.of("bulwark.redis.sentinel.master (system property) is set but bulwark.redis.sentinel is "
                + "not: expected the Sentinels beside it"), problems(null, props("bulwark.redis.cluster", "a:1",
                "bulwark.redis.sentinel.master", "m"), Map.of()));
    }

    @Test
    void exactlyOneOfUrlClusterAndSentinel() {
        List<String> problems = problems(null, props("bulwark.redis.url", "redis://cache:6379",
                "bulwark.redis.cluster", "a:7000"), Map.of());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("bulwark.redis.url (system property) and bulwark.redis.cluster (system "
                + "property) are all set: expected exactly one of bulwark.redis.url"), problems.get(0));
        assertEquals(1, problems(null, props("bulwark.redis.sentinel", "s:26379", "bulwark.redis.sentinel.master",
                "m", "bulwark.redis.cluster", "a:7000"), Map.of()).size());
    }

    @Test
    void badNodeListsAndNamesAreRefusedWithKeyValueAndExpectation() {
        for (String bad : List.of("", "cache", "cache:", "cache:0", "cache:65536", "cache:70x", "a:1,a:1", "a b:1",
                "::1:7000", "a:1,,b:2")) {
            List<String> problems = problems(null, props("bulwark.redis.cluster", bad), Map.of());
            assertEquals(1, problems.size(), bad + " " + problems);
            assertTrue(problems.get(0).startsWith("bulwark.redis.cluster (system property) has value '" + bad
                    + "': expected the cluster's seed nodes as host:port,host:port"), problems.get(0));
        }
        List<String> problems = problems(null, props("bulwark.redis.sentinel", "s:26379",
                "bulwark.redis.sentinel.master", "my master"), Map.of());
        assertEquals(List.of("bulwark.redis.sentinel.master (system property) has value 'my master': expected the "
                + "name the Sentinels know the primary by (sentinel monitor NAME ...), such as mymaster"), problems);
        assertEquals(List.of("bulwark.redis.tls (system property) has value 'yes': expected true or false"),
                problems(null, props("bulwark.redis.cluster", "a:1", "bulwark.redis.tls", "yes"), Map.of()));
        assertEquals(List.of("bulwark.redis.user (system property) is set but bulwark.redis.password is not: "
                + "expected the user's password beside it"), problems(null, props("bulwark.redis.cluster", "a:1",
                "bulwark.redis.user", "app"), Map.of()));
    }

    @Test
    void theRedisPasswordIsNeverRepeated() {
        List<String> problems = problems(null, props("bulwark.redis.cluster", "a:1", "bulwark.redis.password",
                "top\u0001secret"), Map.of());
        assertEquals(1, problems.size());
        assertFalse(problems.get(0).contains("secret"), problems.get(0));
        assertTrue(problems.get(0).startsWith("bulwark.redis.password (system property) has value <hidden"),
                problems.get(0));
        problems = problems(null, props("bulwark.redis.url", "redis://:inurl@cache", "bulwark.redis.password",
                "topsecret"), Map.of());
        assertEquals(List.of("bulwark.redis.password (system property) is set but bulwark.redis.url carries "
                + "credentials too: expected them in one place only"), problems);
    }

    @Test
    void aUrlTakesAPasswordBesideItAndTlsMustAgreeWithItsScheme() {
        RedisSettings redis = ConfigLoader.load(null, props("bulwark.redis.url", "redis://cache:6379/1",
                "bulwark.redis.user", "app", "bulwark.redis.password", "pw", "bulwark.redis.tls", "false"), Map.of())
                .redis();
        assertEquals("app", redis.user());
        assertEquals("pw", redis.password());
        assertEquals(1, redis.database());
        List<String> problems = problems(null, props("bulwark.redis.url", "redis://cache:6379",
                "bulwark.redis.tls", "true"), Map.of());
        assertEquals(List.of("bulwark.redis.tls (system property) has value 'true': expected false, or nothing: "
                + "bulwark.redis.url says redis:// (no TLS); for TLS write rediss:// there"), problems);
    }

    @Test
    void theAlgorithmIsChosenGloballyAndPerPolicy() {
        Settings s = ConfigLoader.load(null, props("bulwark.ratelimit.algorithm", "sliding-window",
                "bulwark.ratelimit.search.algorithm", "gcra"), Map.of());
        assertEquals(Algorithm.SLIDING_WINDOW, s.algorithm());
        assertEquals(Algorithm.GCRA, s.override("search").orElseThrow().algorithm());
        assertEquals(List.of("bulwark.ratelimit.algorithm (system property) has value 'leaky': expected gcra or "
                + "sliding-window"), problems(null, props("bulwark.ratelimit.algorithm", "leaky"), Map.of()));
    }

    @Test
    void theModeIsChosenGloballyAndPerPolicyAndAnythingElseIsRefusedNamingTheKey() {
        Settings s = ConfigLoader.load(null, props("bulwark.ratelimit.mode", "shadow",
                "bulwark.ratelimit.login.mode", "enforce"), Map.of());
        assertEquals(io.bulwark.runtime.ratelimit.Mode.SHADOW, s.rateLimitMode());
        assertEquals(io.bulwark.runtime.ratelimit.Mode.ENFORCE, s.override("login").orElseThrow().mode());
        assertEquals(io.bulwark.runtime.ratelimit.Mode.ENFORCE, Settings.defaults().rateLimitMode());
        String expected = ": expected enforce (refuse what the limit does not admit, the default) or shadow (count and "
                + "report what would be refused, refusing nothing)";
        assertEquals(List.of("bulwark.ratelimit.mode (system property) has value 'dry-run'" + expected,
                "BULWARK_RATELIMIT_LOGIN_MODE (environment variable) has value 'Shadow'" + expected),
                problems(null, props("bulwark.ratelimit.mode", "dry-run"), Map.of("BULWARK_RATELIMIT_LOGIN_MODE",
                        "Shadow")));
    }

    @Test
    void aMissingConfigFileStopsStartupNamingTheFile() {
        List<String> problems = problems("config=" + dir.resolve("nope.properties"), new Properties(), Map.of());
        assertTrue(problems.get(0).startsWith("config file " + dir.resolve("nope.properties").toAbsolutePath()
                + " (from the agent argument config=) cannot be read"), problems.get(0));
    }

    @Test
    void agentArgumentsOtherThanConfigAreRefused() {
        assertEquals(
                List.of("agent argument 'debug' (in -javaagent:bulwark-agent.jar=debug): expected config=FILE, once"),
                problems("debug", new Properties(), Map.of()));
    }

    @Test
    void valuesInMessagesAreEscapedAndCut() {
        String problem = problems(null, props("bulwark.enabled", "x\n" + "y".repeat(200)), Map.of()).get(0);
        assertTrue(problem.contains("'x\\u000ayyy"), problem);
        assertTrue(problem.contains("(122 more characters)"), problem);
        assertFalse(problem.contains("\n"));
    }

    @Test
    void secretLookingKeysNeverShowTheirValue() {
        ConfigEntry entry = new ConfigEntry("bulwark.jdbc.password", "hunter2", "system property");
        assertEquals("bulwark.jdbc.password (system property) has value <hidden, 7 characters>: expected x",
                entry.problem("x"));
        assertEquals("BULWARK_TOTP_KEY (environment variable) has value <hidden, 7 characters>: expected x",
                new ConfigEntry("BULWARK_TOTP_KEY", "hunter2", "environment variable").problem("x"));
    }

    @Test
    void theSwitchIsReadEvenWhenOtherKeysAreWrong() {
        assertNull(ConfigLoader.loadIfEnabled(null, props("bulwark.enabled", "false", "bulwark.nonsense", "1"),
                Map.of()));
        assertNotNull(ConfigLoader.loadIfEnabled(null, new Properties(), Map.of()));
        assertNotNull(ConfigLoader.loadIfEnabled(null, props("bulwark.enabled", "TRUE"), Map.of()));
        assertEquals(List.of("bulwark.enabled (system property) has value 'off': expected true or false"),
                assertThrows(ConfigException.class, () -> ConfigLoader.loadIfEnabled(null,
                        props("bulwark.enabled", "off", "bulwark.nonsense", "1"), Map.of())).problems(),
                "a bad switch is the one problem reported");
        assertEquals(1, assertThrows(ConfigException.class, () -> ConfigLoader.loadIfEnabled(null,
                props("bulwark.enabled", "true", "bulwark.ratelimit.login.limit", "abc"), Map.of())).problems().size(),
                "switched on, the other keys are checked");
    }

    @Test
    void aJdbcUrlSendsAuditEventsOnToPostgresWithItsOwnCredentials() {
        Settings s = ConfigLoader.load(null, props("bulwark.jdbc.url", "jdbc:postgresql://db.internal:5432/app",
                "bulwark.jdbc.user", "bulwark", "bulwark.jdbc.password", "hunter2", "bulwark.jdbc.pool-size", "3",
                "bulwark.data-dir", dir.toString(), "bulwark.audit.retention", "400d"), Map.of());
        JdbcSettings jdbc = s.audit().jdbc();
        assertEquals("jdbc:postgresql://db.internal:5432/app", jdbc.url());
        assertEquals("bulwark", jdbc.user());
        assertEquals("hunter2", jdbc.password());
        assertEquals(3, jdbc.poolSize());
        assertEquals(dir, s.audit().dataDir());
        assertEquals(Duration.ofDays(400), s.audit().retention());
        assertFalse(jdbc.toString().contains("hunter2"));
        assertFalse(s.toString().contains("hunter2"));
    }

    @Test
    void withoutAJdbcUrlEventsStayInTheJournalForNinetyDays() {
        AuditSettings audit = ConfigLoader.load(null, new Properties(), Map.of()).audit();
        assertEquals(null, audit.jdbc());
        assertEquals(Path.of("bulwark-data"), audit.dataDir());
        assertEquals(Duration.ofDays(90), audit.retention());
    }

    @Test
    void retentionTakesDaysYearsOrForever() {
        assertEquals(Duration.ofDays(7 * 365), ConfigLoader.load(null, props("bulwark.audit.retention", "7y"), Map.of())
                .audit().retention());
        assertEquals(null, ConfigLoader.load(null, props("bulwark.audit.retention", "forever"), Map.of()).audit()
                .retention());
        assertEquals(List.of("bulwark.audit.retention (system property) has value '1h': expected a retention of at "
                + "least one day such as 90d, 400d or 7y, or forever"),
                problems(null, props("bulwark.audit.retention", "1h"), Map.of()));
    }

    @Test
    void aJdbcUrlThatIsNotPostgresIsRefusedWithoutShowingItsPassword() {
        List<String> problems = problems(null, props("bulwark.jdbc.url", "jdbc:mysql://db/app?user=a&password=hunter2"),
                Map.of());
        assertEquals(List.of("bulwark.jdbc.url (system property) has value "
                + "'jdbc:mysql://db/app?user=a&password=<hidden>': expected a PostgreSQL JDBC URL such as "
                + "jdbc:postgresql://db.internal:5432/app"), problems);
    }

    @Test
    void jdbcCredentialsWithoutAUrlAreAnError() {
        assertEquals(List.of("bulwark.jdbc.user (system property) is set but bulwark.jdbc.url is not: expected both, "
                + "or neither"), problems(null, props("bulwark.jdbc.user", "app"), Map.of()));
    }

    @Test
    void aDataDirThatIsAFileIsAnError() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertEquals(List.of("bulwark.data-dir (system property) has value '" + file
                + "': expected a directory, but it is a file"),
                problems(null, props("bulwark.data-dir", file.toString()), Map.of()));
    }

    @Test
    void aShortHashKeyIsRefusedAndNotShown() {
        assertEquals(List.of("bulwark.audit.hash-key (system property) has value <hidden, 8 characters>: expected at "
                + "least 32 random bytes in Base64 (openssl rand -base64 32)"), problems(null,
                props("bulwark.audit.hash-key", "c2VjcmV0"), Map.of()));
    }

    @Test
    void theChainKeyAndTheCheckpointPaceAreReadAndTheKeyIsNeverShown() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Settings s = ConfigLoader.load(null, props("bulwark.audit.chain-key", key, "bulwark.audit.checkpoint-events",
                "5000", "bulwark.audit.checkpoint-interval", "10s"), Map.of());
        assertArrayEquals(new byte[32], s.audit().chainKey());
        assertEquals(5000, s.audit().checkpointEvents());
        assertEquals(Duration.ofSeconds(10), s.audit().checkpointInterval());
        assertFalse(s.audit().toString().contains(key));
        assertEquals(List.of("bulwark.audit.chain-key (system property) has value <hidden, 8 characters>: expected at "
                + "least 32 random bytes in Base64 (openssl rand -base64 32)",
                "bulwark.audit.checkpoint-interval (system property) has value '0s': expected a duration from 1s "
                        + "to 1d, such as 60s or 5m"), problems(null, props("bulwark.audit.chain-key", "c2VjcmV0",
                "bulwark.audit.checkpoint-interval", "0s"), Map.of()));
    }

    @Test
    void theDrainTimeoutIsReadAndABadOneIsRefusedSayingWhatWasExpected() {
        assertEquals(Duration.ofSeconds(10), ConfigLoader.load(null, props(), Map.of()).audit().drainTimeout());
        assertEquals(Duration.ofSeconds(25), ConfigLoader.load(null, props("bulwark.audit.drain-timeout", "25s"),
                Map.of()).audit().drainTimeout());
        assertEquals(Duration.ZERO, ConfigLoader.load(null, props("bulwark.audit.drain-timeout", "0"), Map.of()).audit()
                .drainTimeout());
        for (String bad : List.of("11m", "ten", "-5s", "")) {
            assertEquals(List.of("bulwark.audit.drain-timeout (system property) has value '" + bad + "': expected a "
                    + "duration from 0s to 10m, such as 10s or 25s"), problems(null,
                    props("bulwark.audit.drain-timeout", bad), Map.of()), bad);
        }
    }

    @Test
    void theAuditDurabilityIsMmapOrSyncAndAnythingElseStopsStartup() {
        assertEquals(AuditSettings.Durability.MMAP, ConfigLoader.load(null, props(), Map.of()).audit().durability());
        assertEquals(AuditSettings.Durability.SYNC, ConfigLoader.load(null, props("bulwark.audit.durability", "sync"),
                Map.of()).audit().durability());
        assertEquals(List.of("bulwark.audit.durability (system property) has value 'fsync': expected mmap (an audited "
                + "call returns once its event is staged in a memory-mapped file: kept through a crash of the process) "
                + "or sync (once the journal's fsync covers it)"), problems(null, props("bulwark.audit.durability",
                "fsync"), Map.of()));
    }

    @Test
    void aDataDirOthersMayWriteStopsStartupSayingWhy() throws IOException {
        Path data = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(List.of("bulwark.data-dir (system property) '" + data + "' is writable by every user (mode 777): "
                + "expected a directory only its owner can write (chmod 700 " + data + ")"),
                problems(null, props("bulwark.data-dir", data.toString()), Map.of()));
    }
}
