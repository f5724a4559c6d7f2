package io.bulwark.agent.internal.cli;

import io.bulwark.rules.DurationSyntax;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.export.AuditExport;
import io.bulwark.runtime.audit.export.Ocsf;
import io.bulwark.runtime.audit.postgres.Database;
import io.bulwark.runtime.audit.postgres.LeftoverJournals;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.audit.verify.Anchors;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import io.bulwark.runtime.audit.verify.Finding;
import io.bulwark.runtime.audit.verify.Report;
import io.bulwark.runtime.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code audit verify}, {@code audit tail}, {@code audit query} and {@code audit export}: against PostgreSQL when
 * {@code bulwark.jdbc.url} is configured, else against the journal under {@code bulwark.data-dir}. {@code verify}
 * checks both when both exist. Every line printed goes through {@link TerminalText}: an audit field is whatever a
 * client sent, and must not drive the terminal that shows it.
 */
final class AuditCommands {

    /** Verification found changed, missing, reordered or inserted events. */
    static final int TAMPERED = 1;
    /** Nothing wrong was found, but not everything could be proven (a writer's key was not given, an unkeyed chain). */
    static final int UNPROVEN = 2;
    /**
     * Nothing wrong was found, but the journal holds events not yet in PostgreSQL, or a stopped JVM staged events not
     * yet in the journal: a backlog, on this host only.
     */
    static final int BACKLOG = 3;
    /** {@code audit ship}: events are left for now (a running JVM holds their journal, or the time ran out): retry. */
    static final int LEFT_FOR_NOW = 75;
    private static final String APP = "bulwark-cli";

    private final PrintStream out;
    private final PrintStream err;

    AuditCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private void print(String line) {
        out.println(TerminalText.safe(line));
    }

    private void error(String line) {
        err.println(TerminalText.safe(line));
    }

    int verify(Settings settings, Options options) {
        Path auditDir = settings.audit().auditDir();
        List<ChainKey> keys = new ArrayList<>();
        Report journal = null;
        Report database = null;
        try {
            if (settings.audit().chainKey() != null) {
                keys.add(ChainKey.of(settings.audit().chainKey()));
            }
            Path local = auditDir.resolve(ChainKey.FILE);
            if (Files.isRegularFile(local)) {
                keys.add(ChainKey.read(local));
            }
            for (String file : options.all("--chain-key-file")) {
                keys.add(ChainKey.read(Path.of(file)));
            }
        } catch (IOException | IllegalArgumentException e) {
            error("a chain key cannot be read: " + e.getMessage());
            return Cli.CONFIG;
        }
        Anchors anchors = Anchors.of(dedup(keys));
        try {
            anchors.readCheckpoints(auditDir);
            for (String file : options.all("--checkpoints")) {
                anchors.read(Path.of(file));
            }
        } catch (IOException e) {
            error("checkpoints cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        try {
            if (Files.isDirectory(auditDir)) {
                journal = AuditVerifier.verifyJournal(auditDir, anchors, settings.audit().retention(),
                        settings.audit().jdbc() != null);
            }
            if (settings.audit().jdbc() != null) {
                try (Connection c = Database.connect(settings.audit().jdbc(), APP)) {
                    database = AuditVerifier.verifyDatabase(c, anchors);
                }
            }
        } catch (SQLException e) {
            error("PostgreSQL at " + settings.audit().jdbc().safeUrl() + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        } catch (IOException e) {
            error("the journal in " + auditDir + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        if (journal == null && database == null) {
            error("nothing to verify: no journal in " + auditDir + " and bulwark.jdbc.url is not set");
            return Cli.CONFIG;
        }
        if (anchors.keys().isEmpty()) {
            print("no chain key: neither bulwark.audit.chain-key nor " + auditDir.resolve(ChainKey.FILE)
                    + " nor --chain-key-file; no event can be proven authentic");
        }
        boolean tampered = false;
        boolean unproven = false;
        // With PostgreSQL verified too, what it lacks is counted against its rows; else against the ship cursor.
        long backlog = database != null ? database.backlog() : journal.backlog();
        // Events a stopped JVM staged and did not journal: in neither store yet, so a backlog of both.
        long staged = journal != null ? journal.staged() : 0;
        backlog += staged;
        for (Report report : new Report[] {journal, database}) {
            if (report != null) {
                print(report, report == journal ? backlog - staged : 0, report == journal ? staged : 0);
                tampered |= report.tampered();
                unproven |= !report.intact();
            }
        }
        return tampered ? TAMPERED : unproven ? UNPROVEN : backlog > 0 ? BACKLOG : Cli.OK;
    }

    private static List<ChainKey> dedup(List<ChainKey> keys) {
        List<ChainKey> distinct = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ChainKey key : keys) {
            if (ids.add(key.id())) {
                distinct.add(key);
            }
        }
        return distinct;
    }

    /**
     * @param backlog the events of the journal not yet in PostgreSQL, reported instead of "intact"
     * @param staged  the events staged by a JVM that stopped and not yet in its journal, reported so too
     */
    private void print(Report report, long backlog, long staged) {
        print(report.store() + ": " + report.events() + " events from " + report.writers() + " writer(s) checked");
        report.notes().forEach(n -> print("  note: " + n));
        Set<UUID> reported = new HashSet<>();
        for (Finding f : report.findings()) {
            if (reported.add(f.writer())) {
                print("  FIRST PROBLEM " + f);
            }
        }
        if (report.findings().size() > reported.size()) {
            print("  (" + (report.findings().size() - reported.size()) + " further problem(s) after those)");
        }
        print(report.intact() && staged > 0 ? "  BACKLOG: nothing wrong was found, but " + staged + " staged "
                + "event(s) are not yet in the journal" + (backlog > 0 ? " and " + backlog + " event(s) of the journal "
                + "are not yet in PostgreSQL" : "") + ": stored on this host only until the application's next start "
                + "with this data directory (or 'audit ship') takes them"
                : report.intact() && backlog > 0 ? "  BACKLOG: nothing wrong was found, but " + backlog
                + " event(s) are not yet in PostgreSQL: stored on this host only until shipped ('audit ship', or the "
                + "application's next start with this data directory)"
                : report.intact() ? "  intact: every event is in place and unchanged"
                : report.tampered() ? "  TAMPERED or damaged"
                : "  NOT PROVEN: nothing wrong was found, but not every writer could be checked");
    }

    /**
     * {@code audit ship}: ships to PostgreSQL every journal in the data directory that no running JVM holds (what a
     * JVM left there when it exited before its events were shipped, or was killed), for a pod's pre-stop hook or a
     * job's last step. Exit code 0 when nothing is left; 69 when PostgreSQL cannot take them; 75 when a running JVM
     * holds a journal or {@code --timeout} ran out; 1 when a journal is damaged (shipped up to the damage).
     */
    int ship(Settings settings, Options options) {
        if (settings.audit().jdbc() == null) {
            error("bulwark.jdbc.url is not set: without PostgreSQL the journal in " + settings.audit().auditDir()
                    + " is the store, and there is nothing to ship it to");
            return Cli.CONFIG;
        }
        long deadline = System.nanoTime() + Long.MAX_VALUE / 4;
        String timeout = options.get("--timeout");
        if (timeout != null) {
            try {
                deadline = System.nanoTime() + DurationSyntax.parse(timeout).toNanos();
            } catch (IllegalArgumentException e) {
                error("--timeout " + timeout + ": expected " + DurationSyntax.EXPECTED);
                return Cli.USAGE;
            }
        }
        Path auditDir = settings.audit().auditDir();
        if (!Files.isDirectory(auditDir)) {
            print("nothing to ship: no journal in " + auditDir);
            return Cli.OK;
        }
        List<LeftoverJournals.Outcome> outcomes;
        try {
            outcomes = LeftoverJournals.ship(settings.audit(), null, deadline);
        } catch (IOException e) {
            error("the journal in " + auditDir + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        long shipped = 0;
        long left = 0;
        int code = Cli.OK;
        for (LeftoverJournals.Outcome o : outcomes) {
            shipped += o.shipped();
            if (o.why() == null) {
                print("writer " + o.writer() + ": " + o.shipped() + " event(s) shipped, none left");
                continue;
            }
            left += Math.max(o.left(), 0);
            print("writer " + o.writer() + ": " + o.shipped() + " event(s) shipped, "
                    + (o.left() < 0 ? "its events left" : o.left() + " left") + ": " + o.problem());
            int mine = switch (o.why()) {
                case DAMAGED -> TAMPERED;
                case DATABASE -> Cli.UNAVAILABLE;
                case HELD, TIME -> LEFT_FOR_NOW;
            };
            code = code == Cli.OK ? mine : Math.min(code, mine);
        }
        print(shipped + " event(s) shipped to PostgreSQL at " + settings.audit().jdbc().safeUrl() + " from "
                + outcomes.size() + " journal(s); " + (code == Cli.OK ? "none left" : left + " left"
                + (outcomes.stream().anyMatch(o -> o.left() < 0) ? ", and those of journals a running JVM holds"
                : "")));
        return code;
    }

    int query(Settings settings, Options options, int defaultLimit) {
        Instant from = since(options);
        if (from == null && options.get("--since") != null) {
            return Cli.USAGE;
        }
        int limit = defaultLimit;
        String n = options.get("-n") != null ? options.get("-n") : options.get("--limit");
        if (n != null) {
            try {
                limit = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100_000) {
                error("limit " + n + ": expected a whole number from 1 to 100000");
                return Cli.USAGE;
            }
        }
        AuditQuery.Filter filter = new AuditQuery.Filter(options.get("--user"), options.get("--action"), from, limit);
        List<AuditEvent> events;
        try {
            if (settings.audit().jdbc() != null) {
                try (Connection c = Database.connect(settings.audit().jdbc(), APP)) {
                    events = AuditQuery.fromDatabase(c, filter);
                }
            } else {
                events = AuditQuery.fromJournal(settings.audit().auditDir(), filter);
            }
        } catch (SQLException e) {
            error("PostgreSQL at " + settings.audit().jdbc().safeUrl() + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        } catch (IOException e) {
            error("the audit journal cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        events.forEach(e -> print(AuditQuery.toJson(e)));
        return Cli.OK;
    }

    /**
     * {@code audit export --format ocsf|jsonl}: every event (since {@code --since}), one JSON object a line, for a log
     * shipper or a SIEM.
     */
    int export(Settings settings, Options options) {
        String format = options.get("--format");
        if (format == null || !format.equals("ocsf") && !format.equals("jsonl")) {
            error("--format " + (format == null ? "is required" : format) + ": expected ocsf (OCSF " + Ocsf.VERSION
                    + " events) or jsonl (the columns as audit query prints them)");
            return Cli.USAGE;
        }
        Instant from = since(options);
        if (from == null && options.get("--since") != null) {
            return Cli.USAGE;
        }
        String service = options.get("--service") != null ? options.get("--service") : "unknown";
        String version = AuditCommands.class.getPackage().getImplementationVersion();
        Consumer<AuditEvent> write = format.equals("ocsf")
                ? e -> print(Ocsf.toJson(e, service, version))
                : e -> print(AuditQuery.toJson(e));
        try {
            if (settings.audit().jdbc() != null) {
                try (Connection c = Database.connect(settings.audit().jdbc(), APP)) {
                    AuditExport.fromDatabase(c, from, write);
                }
            } else {
                AuditExport.fromJournal(settings.audit().auditDir(), from, write);
            }
        } catch (SQLException e) {
            error("PostgreSQL at " + settings.audit().jdbc().safeUrl() + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        } catch (IOException | UncheckedIOException e) {
            error("the audit journal cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        out.flush();
        return out.checkError() ? Cli.UNAVAILABLE : Cli.OK;
    }

    /** {@code --since}, or null (after saying why, when it was given and is wrong). */
    private Instant since(Options options) {
        String text = options.get("--since");
        if (text == null) {
            return null;
        }
        try {
            return Instant.now().minus(DurationSyntax.parse(text));
        } catch (IllegalArgumentException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                error("--since " + text + ": expected a duration back from now (30m, 2h, 7d) or an instant "
                        + "(2026-11-01T00:00:00Z)");
                return null;
            }
        }
    }
}
