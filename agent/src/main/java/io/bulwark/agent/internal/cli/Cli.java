package io.bulwark.agent.internal.cli;

import io.bulwark.GuardUnavailableException;
import io.bulwark.internal.KeyFraming;
import io.bulwark.runtime.config.ConfigException;
import io.bulwark.runtime.config.ConfigLoader;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar bulwark-agent.jar <command>}: operations a person runs from a shell. Exit codes follow
 * sysexits.h: 0 done, 64 usage, 69 store unavailable, 78 configuration.
 */
public final class Cli {

    static final int OK = 0;
    static final int USAGE = 64;
    static final int UNAVAILABLE = 69;
    static final int CONFIG = 78;

    private final PrintStream out;
    private final PrintStream err;

    private Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static int run(String[] args) {
        return new Cli(System.out, System.err).dispatch(List.of(args));
    }

    private int dispatch(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            usage(out);
            return OK;
        }
        if (args.size() >= 2 && args.get(0).equals("lockout") && args.get(1).equals("reset")) {
            return lockoutReset(args.subList(2, args.size()));
        }
        err.println("unknown command: " + String.join(" ", args));
        usage(err);
        return USAGE;
    }

    private static void usage(PrintStream to) {
        to.println("Usage: java -jar bulwark-agent.jar <command>");
        to.println();
        to.println("  Start an application with Bulwark:");
        to.println("    java -javaagent:bulwark-agent.jar[=config=bulwark.properties] -jar app.jar");
        to.println();
        to.println("  lockout reset --policy NAME [--key VALUE]... [--config FILE]");
        to.println("    Clears the failures, lockout and counts of one key of a policy kept in Redis, for every");
        to.println("    instance. Give one --key per value of the policy's key template, in its order (none for a");
        to.println("    policy without a key). Redis comes from bulwark.redis.url in --config FILE, -Dbulwark.*");
        to.println("    or BULWARK_* variables, as for the agent.");
    }

    private int lockoutReset(List<String> args) {
        String policy = null;
        String config = null;
        List<String> key = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                err.println(option + " needs a value");
                return USAGE;
            }
            String value = args.get(++i);
            switch (option) {
                case "--policy" -> policy = value;
                case "--key" -> key.add(value);
                case "--config" -> config = value;
                default -> {
                    err.println("unknown option " + option + ": expected --policy, --key or --config");
                    return USAGE;
                }
            }
        }
        if (policy == null) {
            err.println("--policy NAME is required");
            return USAGE;
        }
        Settings settings;
        try {
            settings = ConfigLoader.load(config == null ? null : "config=" + config, System.getProperties(),
                    System.getenv());
        } catch (ConfigException e) {
            err.println("configuration error:");
            e.problems().forEach(p -> err.println("  " + p));
            return CONFIG;
        }
        if (settings.redis() == null) {
            err.println("bulwark.redis.url is not set: without Redis, limits and lockouts live in each application's "
                    + "memory; reset them from the application with io.bulwark.RateLimits.reset(\"" + policy + "\", ...)");
            return CONFIG;
        }
        try (RedisRateLimiter redis = new RedisRateLimiter(settings.redis(),
                new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false))) {
            boolean reset = redis.reset(policy, KeyFraming.frame(key.toArray(String[]::new)));
            // The key is not echoed: it is often an email address, and a terminal's scrollback is a log too.
            out.println(reset ? "reset policy '" + policy + "' for the given key in " + settings.redis().display()
                    : "nothing to reset: policy '" + policy + "' holds no state for the given key in "
                    + settings.redis().display());
            return OK;
        } catch (GuardUnavailableException e) {
            err.println("Redis at " + settings.redis().display() + " is unavailable: nothing was reset");
            return UNAVAILABLE;
        }
    }
}
