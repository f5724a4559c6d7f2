package io.bulwark.agent.internal.cli;

import io.bulwark.internal.Durations;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.postgres.Database;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.audit.verify.AuditVerifier;
import io.bulwark.runtime.audit.verify.Finding;
import io.bulwark.runtime.audit.verify.Report;
import io.bulwark.runtime.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code audit verify}, {@code audit tail} and {@code audit query}: against PostgreSQL when {@code bulwark.jdbc.url} is
 * configured, else against the journal under {@code bulwark.data-dir}. {@code verify} checks both when both exist.
 */
final class AuditCommands {

    /** Verification found changed, missing, reordered or inserted events. */
    static final int TAMPERED = 1;
    private static final String APP = "bulwark-cli";

    private final PrintStream out;
    private final PrintStream err;

    AuditCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int verify(Settings settings) {
        Path auditDir = settings.audit().dataDir().resolve("audit");
        boolean tampered = false;
        boolean checked = false;
        try {
            if (Files.isDirectory(auditDir)) {
                tampered |= !print(AuditVerifier.verifyJournal(auditDir));
                checked = true;
            }
            if (settings.audit().jdbc() != null) {
                try (Connection c = Database.connect(settings.audit().jdbc(), APP)) {
                    tampered |= !print(AuditVerifier.verifyDatabase(c));
                }
                checked = true;
            }
        } catch (SQLException e) {
            err.println("PostgreSQL at " + settings.audit().jdbc().safeUrl() + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        } catch (IOException e) {
            err.println("the journal in " + auditDir + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        if (!checked) {
            err.println("nothing to verify: no journal in " + auditDir + " and bulwark.jdbc.url is not set");
            return Cli.CONFIG;
        }
        return tampered ? TAMPERED : Cli.OK;
    }

    /** Prints a report; whether it found nothing wrong. */
    private boolean print(Report report) {
        out.println(report.store() + ": " + report.events() + " events from " + report.writers() + " writer(s) checked");
        report.notes().forEach(n -> out.println("  note: " + n));
        Set<UUID> reported = new HashSet<>();
        for (Finding f : report.findings()) {
            if (reported.add(f.writer())) {
                out.println("  FIRST PROBLEM " + f);
            }
        }
        if (report.findings().size() > reported.size()) {
            out.println("  (" + (report.findings().size() - reported.size()) + " further problem(s) after those)");
        }
        out.println(report.intact() ? "  intact: every event is in place and unchanged" : "  TAMPERED or damaged");
        return report.intact();
    }

    int query(Settings settings, Options options, int defaultLimit) {
        String since = options.get("--since");
        Instant from = null;
        if (since != null) {
            from = since(since);
            if (from == null) {
                err.println("--since " + since + ": expected a duration back from now (30m, 2h, 7d) or an instant "
                        + "(2026-11-01T00:00:00Z)");
                return Cli.USAGE;
            }
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
                err.println("limit " + n + ": expected a whole number from 1 to 100000");
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
                events = AuditQuery.fromJournal(settings.audit().dataDir().resolve("audit"), filter);
            }
        } catch (SQLException e) {
            err.println("PostgreSQL at " + settings.audit().jdbc().safeUrl() + " cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        } catch (IOException e) {
            err.println("the audit journal cannot be read: " + e.getMessage());
            return Cli.UNAVAILABLE;
        }
        events.forEach(e -> out.println(AuditQuery.toJson(e)));
        return Cli.OK;
    }

    private static Instant since(String text) {
        try {
            return Instant.now().minus(Durations.parse(text));
        } catch (IllegalArgumentException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
