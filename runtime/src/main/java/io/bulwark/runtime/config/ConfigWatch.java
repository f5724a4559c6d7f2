package io.bulwark.runtime.config;

import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Watches the agent's configuration file ({@code config=FILE}) and applies what may change while the agent runs: the
 * rate-limit keys ({@link ConfigLoader#appliesWhileRunning}). A changed file is read and checked whole, exactly as at
 * startup (with the same system properties and environment, which still win); when anything in it is wrong, nothing
 * is applied, the running values stay, and one error names every bad key. Other keys changed are logged as needing a
 * restart.
 *
 * <p>Polled ({@link #POLL_MILLIS}) rather than watched with a {@code WatchService}: a file is compared by its
 * content, so an editor that writes a new file and renames it, a Kubernetes ConfigMap that swaps a symbolic link, and a
 * file system that keeps modification times to the second are all seen alike; reading a few kilobytes twice a second
 * costs nothing measurable. Its daemon thread is started by the runtime's background thread, never in premain.
 */
public final class ConfigWatch implements Runnable {

    /** What applies the rate-limit keys: the guard registry. */
    public interface Target {
        /** @return the problems that kept anything from being applied, each naming its key; empty when applied */
        List<String> reconfigure(Settings settings);
    }

    /**
     * A change is applied within this and the time to read it: well inside the 2 seconds promised
     * (docs/rate-limits.md).
     */
    static final long POLL_MILLIS = 500;

    private final String agentArgument;
    private final Path file;
    private final Properties systemProperties;
    private final Map<String, String> environment;
    private final Target target;
    /** The content last looked at (null: unreadable), and the file's entries as last applied. */
    private byte[] seen;
    private Map<String, ConfigEntry> applied;

    private ConfigWatch(String agentArgument, Path file, Properties systemProperties, Map<String, String> environment,
            Target target) {
        this.agentArgument = agentArgument;
        this.file = file;
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.target = target;
        this.seen = read(file);
        Map<String, ConfigEntry> entries = ConfigSources.fileEntries(file);
        this.applied = entries == null ? Map.of() : entries;
    }

    /**
     * A watch of the file the agent argument names, as it is now (the values running were read from it moments ago);
     * null when it names none.
     */
    public static ConfigWatch of(String agentArgument, Properties systemProperties, Map<String, String> environment,
            Target target) {
        Path file = ConfigSources.configFileOf(agentArgument);
        return file == null ? null : new ConfigWatch(agentArgument, file, systemProperties, environment, target);
    }

    /** Starts polling on a daemon thread of its own. */
    public Thread start() {
        Thread t = new Thread(this, "bulwark-config-watch");
        t.setDaemon(true);
        t.start();
        Log.debug("watching " + file + " for rate-limit changes");
        return t;
    }

    @Override
    public void run() {
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                poll();
            } catch (RuntimeException e) {
                // Never into the application, never the end of the watch: the next change is tried again.
                Log.error("applying a change of " + file + " failed (" + e.getClass().getName() + "); the running "
                        + "values are kept");
            }
        }
    }

    /**
     * Looks at the file once: applies it if it changed since last time.
     *
     * @return whether it had changed
     */
    public boolean poll() {
        byte[] now = read(file);
        if (Arrays.equals(now, seen)) {
            return false;
        }
        seen = now;
        Settings next;
        try {
            next = ConfigLoader.load(agentArgument, systemProperties, environment);
        } catch (ConfigException e) {
            Log.error("configuration file " + file + " changed but is not valid; nothing of it applies, the running "
                    + "values are kept: " + String.join("; ", e.problems()));
            return true;
        }
        Map<String, ConfigEntry> entries = ConfigSources.fileEntries(file);
        if (entries == null) {
            // Changed again between the two reads: the next poll sees it.
            seen = null;
            return true;
        }
        List<String> problems = target.reconfigure(next);
        if (!problems.isEmpty()) {
            Log.error("configuration file " + file + " changed but its rate limits are not valid; nothing of it "
                    + "applies, the running values are kept: " + String.join("; ", problems));
            return true;
        }
        List<String> restart = new ArrayList<>();
        List<String> overridden = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(applied.keySet());
        keys.addAll(entries.keySet());
        for (String key : keys) {
            ConfigEntry before = applied.get(key);
            ConfigEntry after = entries.get(key);
            String beforeValue = before == null ? null : before.value();
            String afterValue = after == null ? null : after.value();
            if (Objects.equals(beforeValue, afterValue)) {
                continue;
            }
            // The key only: a value may be a secret.
            String name = (after != null ? after : before).key();
            String elsewhere = setElsewhere(key);
            if (!ConfigLoader.appliesWhileRunning(key)) {
                restart.add(name);
            } else if (elsewhere != null) {
                overridden.add(name + " (" + elsewhere + " wins)");
            }
        }
        if (!overridden.isEmpty()) {
            Log.warn("configuration file " + file + " changed " + String.join(", ", overridden) + ": the file's value "
                    + "does not apply while a later source sets the key");
        }
        applied = entries;
        if (!restart.isEmpty()) {
            Log.warn("configuration file " + file + " changed " + String.join(", ", restart) + ": "
                    + (restart.size() == 1 ? "it takes" : "they take") + " effect at the next restart (the running "
                    + "values are kept; only bulwark.ratelimit.mode, bulwark.ratelimit.algorithm and "
                    + "bulwark.ratelimit.<name>.limit|window|lockout|algorithm|mode apply while the agent runs)");
        }
        return true;
    }

    /** The system property or environment variable that sets {@code normalizedKey} over the file, or null. */
    private String setElsewhere(String normalizedKey) {
        for (String name : environment.keySet()) {
            if (name.startsWith("BULWARK_") && ConfigEntry.normalize(name).equals(normalizedKey)) {
                return "environment variable " + name;
            }
        }
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith("bulwark.") && ConfigEntry.normalize(name).equals(normalizedKey)) {
                return "system property " + name;
            }
        }
        return null;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
