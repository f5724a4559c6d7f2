package io.bulwark.agent.internal.cli;

import io.bulwark.GuardUnavailableException;
import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.twofactor.stepup.TwoFactorEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * {@code 2fa enroll|confirm|recovery-codes|disable|unlock|status USER}: a user's second factor from a shell, in the
 * same store the application uses (PostgreSQL with {@code bulwark.jdbc.url}, else {@code bulwark.data-dir}).
 * Enrolling prints the otpauth URI and its QR code, then asks for the first code the app shows.
 */
final class TwoFactorCommands {

    /** A wrong or expired code (sysexits.h EX_DATAERR). */
    static final int WRONG_CODE = 65;

    private final PrintStream out;
    private final PrintStream err;
    private final BufferedReader in;

    TwoFactorCommands(PrintStream out, PrintStream err, BufferedReader in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    int run(String command, String user, Options options, Settings settings) {
        TwoFactorEngine engine = TwoFactorEngine.create(settings, Clock.systemUTC());
        if (engine.problem() != null) {
            err.println("configuration error: " + engine.problem());
            return Cli.CONFIG;
        }
        try (engine) {
            return switch (command) {
                case "enroll" -> enroll(engine, user, options.get("--account"));
                case "confirm" -> confirm(engine, user);
                case "recovery-codes" -> printCodes(engine.newRecoveryCodes(user),
                        "New recovery codes for " + user + " (the earlier ones no longer work):");
                case "disable" -> says(engine.disable(user), "Two-factor disabled for " + user + ".",
                        user + " had no second factor.");
                case "unlock" -> says(engine.unlock(user), "Unlocked the second factor of " + user + ".",
                        "The second factor of " + user + " was not locked.");
                default -> says(true, user + ": " + engine.status(user), "");
            };
        } catch (TwoFactorRequiredException e) {
            err.println(e.getMessage());
            return WRONG_CODE;
        } catch (GuardUnavailableException e) {
            err.println("the second factor store (" + engine.describe() + ") is unavailable; the log above says why");
            return Cli.UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return Cli.USAGE;
        }
    }

    private int enroll(TwoFactorEngine engine, String user, String account) {
        TwoFactor.Status status = engine.status(user);
        if (status == TwoFactor.Status.ACTIVE || status == TwoFactor.Status.LOCKED) {
            // Replacing a factor takes a step-up by its user (TwoFactor.confirm); an operator disables it first.
            err.println(user + "'s second factor is " + status + ": a new one replaces it only after a step-up in the "
                    + "user's own session; as an operator, run 2fa disable " + user + " first");
            return Cli.USAGE;
        }
        TwoFactorEnrollment enrollment = engine.enroll(user, account == null ? user : account);
        out.println("Scan this QR code with an authenticator app, or open the URI on the phone:");
        out.println();
        out.println(enrollment.qrText());
        out.println(enrollment.otpauthUri());
        out.println();
        out.println("Secret, to type in by hand: " + enrollment.secret());
        return confirm(engine, user);
    }

    private int confirm(TwoFactorEngine engine, String user) {
        out.print("Code shown by the app, to confirm: ");
        out.flush();
        String code;
        try {
            code = in.readLine();
        } catch (IOException e) {
            code = null;
        }
        if (code == null) {
            out.println();
            err.println("No code read: the enrollment waits; confirm it with: 2fa confirm " + user);
            return Cli.USAGE;
        }
        return printCodes(engine.confirm(user, code.strip()), "Confirmed. Recovery codes for " + user
                + ", each usable once if the phone is lost; they are shown only now:");
    }

    private int printCodes(List<String> codes, String heading) {
        out.println(heading);
        codes.forEach(c -> out.println("  " + c));
        return Cli.OK;
    }

    private int says(boolean yes, String ifYes, String ifNo) {
        out.println(yes ? ifYes : ifNo);
        return Cli.OK;
    }
}
