package io.bulwark.agent.internal.cli;

import io.bulwark.GuardUnavailableException;
import io.bulwark.internal.KeyFraming;
import io.bulwark.runtime.config.ConfigException;
import io.bulwark.runtime.config.ConfigLoader;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code java -jar bulwark-agent.jar <command>}: operations a person runs from a shell. Exit codes follow
 * sysexits.h: 0 done, 64 usage, 69 store unavailable, 78 configuration; {@code audit verify} exits 1 when it finds
 * tampering, {@code 2fa} 65 for a wrong code.
 */
public final class Cli {

    static final int OK = 0;
    static final int USAGE = 64;
    static final int UNAVAILABLE = 69;
    static final int CONFIG = 78;

    private final PrintStream out;
    private final PrintStream err;
    private final BufferedReader in;

    private Cli(PrintStream out, PrintStream err, BufferedReader in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    public static int run(String[] args) {
        return new Cli(System.out, System.err, new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8))).dispatch(List.of(args));
    }

    private int dispatch(List<String> args) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            usage(out);
            return OK;
        }
        if (args.size() >= 2 && args.get(0).equals("lockout") && args.get(1).equals("reset")) {
            return lockoutReset(args.subList(2, args.size()));
        }
        if (args.size() >= 2 && args.get(0).equals("audit")) {
            return audit(args.get(1), args.subList(2, args.size()));
        }
        if (args.size() >= 2 && args.get(0).equals("2fa")) {
            return twoFactor(args.get(1), args.subList(2, args.size()));
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
        to.println();
        to.println("  audit verify [--checkpoints FILE]... [--chain-key-file FILE]... [--config FILE]");
        to.println("    Checks the audit trail's keyed hash chains, in the local journal and (with bulwark.jdbc.url)");
        to.println("    in PostgreSQL, against each writer's checkpoints (the data directory's, and those in each");
        to.println("    --checkpoints FILE, such as an application log), and names each writer's first changed,");
        to.println("    missing, reordered or inserted event. Keys: bulwark.audit.chain-key, the data directory's");
        to.println("    chain.key, and each --chain-key-file (another instance's chain.key).");
        to.println("    Exit code 0: intact; 1: tampered or damaged; 2: nothing wrong found, but not all proven;");
        to.println("    3: nothing wrong found, but the journal holds events not yet in PostgreSQL (a backlog).");
        to.println("  audit ship [--timeout 30s] [--config FILE]");
        to.println("    Ships to PostgreSQL the journals in bulwark.data-dir that no running JVM holds: what an");
        to.println("    application left there (killed, or stopped before its drain finished). For a pod's pre-stop");
        to.println("    hook or a job's last step, where the local disk goes with the container. Exit code 0:");
        to.println("    none left; 69: PostgreSQL cannot take them; 75: a running JVM holds a journal, or the");
        to.println("    time ran out; 1: a journal is damaged (shipped up to the damage; run audit verify).");
        to.println("  audit tail [-n N] [--config FILE]");
        to.println("    The newest N audit events (default 20), oldest first, one JSON object a line.");
        to.println("  audit query [--user ID] [--action NAME] [--since 2h|2026-11-01T00:00:00Z] [--limit N]"
                + " [--config FILE]");
        to.println("    The newest matching audit events (default 100), oldest first, one JSON object a line.");
        to.println("  audit export --format ocsf|jsonl [--since 2h|2026-11-01T00:00:00Z] [--service NAME]"
                + " [--config FILE]");
        to.println("    Every audit event (since --since), one JSON object a line, for a log shipper: OCSF 1.8.0");
        to.println("    Authentication (3002) or API Activity (6003) events, or the columns as audit query prints");
        to.println("    them. --service names the application in Authentication events.");
        to.println("  Audit commands read PostgreSQL when bulwark.jdbc.url is set, else the journal in"
                + " bulwark.data-dir.");
        to.println("  Control characters in what they print are escaped (\\u001b).");
        to.println();
        to.println("  2fa enroll USER [--account NAME] [--config FILE]");
        to.println("    Prints an otpauth URI and its QR code for an authenticator app, reads the first code the app");
        to.println("    shows from standard input to confirm it, and prints the user's 10 recovery codes.");
        to.println("  2fa confirm USER [--config FILE]       confirms a pending enrollment with a code read from"
                + " input");
        to.println("  2fa recovery-codes USER [--config FILE] prints a new set of recovery codes; the old set stops"
                + " working");
        to.println("  2fa disable USER [--config FILE]       removes the user's second factor and recovery codes");
        to.println("  2fa unlock USER [--config FILE]        lifts the lock and delays wrong codes put on a factor");
        to.println("  2fa status USER [--config FILE]        NOT_ENROLLED, PENDING, ACTIVE or LOCKED");
        to.println("  Second factors live in PostgreSQL when bulwark.jdbc.url is set (then bulwark.totp.key is");
        to.println("  required), else in bulwark.data-dir; exit code 65 for a wrong code.");
    }

    private int twoFactor(String command, List<String> args) {
        if (!Set.of("enroll", "confirm", "recovery-codes", "disable", "unlock", "status").contains(command)) {
            err.println("unknown command: 2fa " + command + ": expected enroll, confirm, recovery-codes, disable, "
                    + "unlock or status");
            return USAGE;
        }
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            err.println("2fa " + command + " needs a USER");
            return USAGE;
        }
        Options options = Options.parse(args.subList(1, args.size()),
                command.equals("enroll") ? Set.of("--account", "--config") : Set.of("--config"), Set.of());
        if (options.problem() != null) {
            err.println(options.problem());
            return USAGE;
        }
        Settings settings = settings(options.get("--config"));
        if (settings == null) {
            return CONFIG;
        }
        return new TwoFactorCommands(out, err, in).run(command, args.get(0), options, settings);
    }

    private int audit(String command, List<String> args) {
        Set<String> allowed = switch (command) {
            case "verify" -> Set.of("--config", "--checkpoints", "--chain-key-file");
            case "tail" -> Set.of("-n", "--config");
            case "query" -> Set.of("--user", "--action", "--since", "--limit", "--config");
            case "export" -> Set.of("--format", "--since", "--service", "--config");
            case "ship" -> Set.of("--timeout", "--config");
            default -> null;
        };
        if (allowed == null) {
            err.println("unknown command: audit " + command + ": expected audit verify, audit ship, audit tail, "
                    + "audit query or audit export");
            return USAGE;
        }
        Options options = Options.parse(args, allowed, Set.of("--checkpoints", "--chain-key-file"));
        if (options.problem() != null) {
            err.println(options.problem());
            return USAGE;
        }
        Settings settings = settings(options.get("--config"));
        if (settings == null) {
            return CONFIG;
        }
        AuditCommands audit = new AuditCommands(out, err);
        return switch (command) {
            case "verify" -> audit.verify(settings, options);
            case "tail" -> audit.query(settings, options, 20);
            case "export" -> audit.export(settings, options);
            case "ship" -> audit.ship(settings, options);
            default -> audit.query(settings, options, 100);
        };
    }

    /** The configuration as the agent would read it, or null after printing what is wrong with it. */
    private Settings settings(String config) {
        try {
            return ConfigLoader.load(config == null ? null : "config=" + config, System.getProperties(),
                    System.getenv());
        } catch (ConfigException e) {
            err.println("configuration error:");
            e.problems().forEach(p -> err.println("  " + p));
            return null;
        }
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
        Settings settings = settings(config);
        if (settings == null) {
            return CONFIG;
        }
        if (settings.redis() == null) {
            err.println("bulwark.redis.url is not set: without Redis, limits and lockouts live in each application's "
                    + "memory; reset them from the application with io.bulwark.RateLimits.reset(\"" + policy
                    + "\", ...)");
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
