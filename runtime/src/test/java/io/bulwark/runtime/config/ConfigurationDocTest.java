package io.bulwark.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} lists exactly the keys of {@link ConfigKey}, each with the list's default, values,
 * reloading and description, in the list's order ({@link ConfigTable#main} prints the table to paste).
 */
class ConfigurationDocTest {

    @Test
    void theDocumentedTableIsTheListOfKeys() throws IOException {
        Map<String, String> documented = documentedRows();
        Map<String, String> listed = ConfigTable.rows();
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> key : listed.entrySet()) {
            String row = documented.get(key.getKey());
            if (row == null) {
                differences.add("missing from docs/configuration.md: " + key.getValue());
            } else if (!row.equals(key.getValue())) {
                differences.add("docs/configuration.md says\n  " + row + "\nbut the list says\n  " + key.getValue());
            }
        }
        for (String key : documented.keySet()) {
            if (!listed.containsKey(key)) {
                differences.add("docs/configuration.md documents " + key + ", which is not a key the agent reads");
            }
        }
        assertTrue(differences.isEmpty(), String.join("\n", differences)
                + "\n(ConfigTable.main prints the table as the list makes it)");
        assertEquals(new ArrayList<>(listed.keySet()), new ArrayList<>(documented.keySet()), "the order of the rows");
    }

    @Test
    void theListsDefaultsAreTheDefaultsTheLoaderUses() {
        Properties everyDefault = new Properties();
        Properties redisDefaults = props("bulwark.redis.url", "redis://localhost:6379");
        Properties jdbcDefaults = props("bulwark.jdbc.url", "jdbc:postgresql://localhost:5432/test");
        for (ConfigKey key : ConfigKey.values()) {
            String value = key.spec.literalDefault;
            if (value == null) {
                continue;
            }
            // The Redis keys and the JDBC pool are only read beside a store.
            Properties into = key.area == ConfigKey.Area.REDIS ? redisDefaults
                    : key == ConfigKey.JDBC_POOL_SIZE ? jdbcDefaults : everyDefault;
            into.setProperty(key.key, value);
        }
        assertEquals(Settings.defaults(), ConfigLoader.load(null, everyDefault, Map.of()));
        assertEquals(ConfigLoader.load(null, props("bulwark.redis.url", "redis://localhost:6379"), Map.of()),
                ConfigLoader.load(null, redisDefaults, Map.of()));
        assertEquals(4, redisDefaults.size(), redisDefaults.toString());
        assertEquals(ConfigLoader.load(null, props("bulwark.jdbc.url", "jdbc:postgresql://localhost:5432/test"),
                Map.of()), ConfigLoader.load(null, jdbcDefaults, Map.of()));
        assertEquals(2, jdbcDefaults.size(), jdbcDefaults.toString());
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void everyKeyAChangeOfWhichAppliesWhileRunningIsARateLimitKey() {
        for (ConfigKey key : ConfigKey.values()) {
            boolean live = key.applies == ConfigKey.Applies.LIVE;
            assertEquals(live, key == ConfigKey.MODE || key == ConfigKey.ALGORITHM || key.area == ConfigKey.Area.POLICY,
                    key.key);
            if (!key.isPattern()) {
                assertEquals(live, ConfigLoader.appliesWhileRunning(key.normalized()), key.key);
            }
        }
        assertTrue(ConfigLoader.appliesWhileRunning(ConfigEntry.normalize("BULWARK_RATELIMIT_LOGIN_LOCKOUT")));
        assertFalse(ConfigLoader.appliesWhileRunning(ConfigEntry.normalize("bulwark.ratelimit.limit")));
    }

    /** The rows of the table under {@link ConfigTable#HEADER}, by the key in their first cell. */
    private static Map<String, String> documentedRows() throws IOException {
        List<String> lines = Files.readAllLines(configurationDoc());
        int header = lines.indexOf(ConfigTable.HEADER);
        assertTrue(header >= 0, "docs/configuration.md has a table headed " + ConfigTable.HEADER);
        assertEquals(ConfigTable.RULE, lines.get(header + 1));
        Map<String, String> rows = new LinkedHashMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String row = lines.get(i);
            int end = row.indexOf("` |");
            assertTrue(row.startsWith("| `") && end > 0, "a row whose first cell is a key: " + row);
            assertEquals(null, rows.put(row.substring(3, end), row), "one row per key: " + row);
        }
        return rows;
    }

    private static Path configurationDoc() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path doc = dir.resolve("docs").resolve("configuration.md");
            if (Files.isRegularFile(doc)) {
                return doc;
            }
        }
        throw new AssertionError("no docs/configuration.md above " + Path.of("").toAbsolutePath());
    }
}
