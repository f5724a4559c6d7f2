package io.bulwark.runtime.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table of {@code docs/configuration.md} as {@link ConfigKey} makes it. Run {@link #main} and paste its output
 * over the table when a key changes; {@code ConfigurationDocTest} fails until the two agree.
 */
final class ConfigTable {

    static final String HEADER = "| key | default | values | a change applies | meaning |";
    static final String RULE = "|---|---|---|---|---|";

    private ConfigTable() {
    }

    /** Each key's row, by the key as written, in the list's order. */
    static Map<String, String> rows() {
        Map<String, String> rows = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            rows.put(key.key, row(key));
        }
        return rows;
    }

    static String row(ConfigKey key) {
        KeySpec spec = key.spec;
        String defaultCell = spec.literalDefault != null ? "`" + spec.literalDefault + "`" : spec.defaultText;
        String values = spec.values + (spec.secret ? "; a secret, never shown" : "");
        String change = key.applies == ConfigKey.Applies.LIVE ? "while running" : "at the next start";
        return "| `" + key.key + "` | " + defaultCell + " | " + values + " | " + change + " | " + key.description
                + " |";
    }

    public static void main(String[] args) {
        System.out.println(HEADER);
        System.out.println(RULE);
        for (String row : rows().values()) {
            System.out.println(row);
        }
    }
}
