package io.bulwark.runtime.config;

import io.bulwark.rules.Suggestions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where configuration comes from: the file the agent argument names ({@code config=FILE}), then system properties
 * {@code bulwark.*}, then environment variables {@code BULWARK_*}; a later source wins. Each source is read in sorted
 * order, so that problems are reported in the same order on every start.
 *
 * <p>An unknown {@code bulwark.*} key in the file or a system property is an error (it is most likely a typo that
 * would otherwise be silently ignored); an unknown {@code BULWARK_*} environment variable is only warned about,
 * because environments carry variables meant for others. {@code BULWARK_TEST_*} belongs to Bulwark's own test harness
 * and is ignored.
 *
 * <p>{@code bulwark.web.*} belongs to the web adapters, which read and check it themselves from the application's
 * configuration (the agent starts before any web framework): passed over in system properties and the environment,
 * where the adapters find it, and an error in the agent's file, where they never would.
 */
final class ConfigSources {

    private static final String WEB_ADAPTER_PREFIX = "bulwark_web_";

    private final ValueParser parser;
    private final List<String> warnings;

    ConfigSources(ValueParser parser, List<String> warnings) {
        this.parser = parser;
        this.warnings = warnings;
    }

    /** Every known entry of the three sources, by normalized key, the later source's value kept. */
    Map<String, ConfigEntry> collect(String agentArgument, Properties systemProperties,
            Map<String, String> environment) {
        Map<String, ConfigEntry> entries = new LinkedHashMap<>();
        Path file = configFile(agentArgument);
        if (file != null) {
            for (ConfigEntry entry : readFile(file)) {
                if (entry.normalizedKey().startsWith(WEB_ADAPTER_PREFIX)) {
                    parser.add(entry.key() + " (" + entry.origin() + ") is read by Bulwark's web adapters, not by "
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
        List<String> problems = new ArrayList<>();
        Path file = new ConfigSources(new ValueParser(problems), new ArrayList<>()).configFile(agentArgument);
        return problems.isEmpty() ? file : null;
    }

    /** The file's entries as written, by normalized key; null when it cannot be read (the loader then says why). */
    static Map<String, ConfigEntry> fileEntries(Path file) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigEntry> entries = new TreeMap<>();
        for (ConfigEntry entry : new ConfigSources(new ValueParser(problems), new ArrayList<>()).readFile(file)) {
            entries.put(entry.normalizedKey(), entry);
        }
        return problems.isEmpty() ? entries : null;
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
                parser.add("agent argument '" + part + "' (in -javaagent:bulwark-agent.jar=" + agentArgument
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
            parser.add("config file " + file.toAbsolutePath() + " (from the agent argument config=) cannot be read: "
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
        if (ConfigKey.of(normalized) != null) {
            return true;
        }
        List<String> known = ConfigKey.names();
        String message = entry.key() + " (" + entry.origin() + ") is not a Bulwark configuration key: expected one of "
                + String.join(", ", known) + Suggestions.didYouMean(entry.key(), known);
        if (strict) {
            parser.add(message);
        } else {
            warnings.add(message + "; ignored");
        }
        return false;
    }
}
