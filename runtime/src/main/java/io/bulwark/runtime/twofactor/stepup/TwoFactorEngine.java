package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.GuardUnavailableException;
import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.TwoFactorRequiredException.Reason;
import io.bulwark.internal.TwoFactorOperations;
import io.bulwark.rules.TwoFactorRules;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.config.TwoFactorSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.secrets.LocalKeyFile;
import io.bulwark.runtime.twofactor.crypto.KeyRing;
import io.bulwark.runtime.twofactor.crypto.RecoveryHasher;
import io.bulwark.runtime.twofactor.crypto.RowSeal;
import io.bulwark.runtime.twofactor.crypto.SecretSealer;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import io.bulwark.runtime.twofactor.store.FactorStore;
import io.bulwark.runtime.twofactor.store.FactorStoreException;
import io.bulwark.runtime.twofactor.store.FileFactorStore;
import io.bulwark.runtime.twofactor.store.PostgresFactorStore;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The two-factor engine: step-up checks for {@code @Requires2FA} here, and the operations of {@link TwoFactor}
 * (enrolling and managing factors) handed to {@link Enrollment}. Secrets and their state live in a
 * {@link FactorStore}; session freshness and the replay ledger in Redis when configured.
 * Nothing is opened until first used. Every store, Redis or key trouble refuses (fail closed) with
 * {@link GuardUnavailableException}, and is logged without any secret.
 */
public final class TwoFactorEngine implements TwoFactorOperations, AutoCloseable {

    /** Longer user ids are refused: they would only be someone's attempt to bloat a store. */
    static final int MAX_USER_LENGTH = 256;
    private static final String GUARD = "two-factor";

    private final Settings settings;
    private final Clock clock;
    private final AttemptPolicy attempts;
    private final String problem;
    private final Enrollment enrollment;
    private volatile EngineParts parts;

    private TwoFactorEngine(Settings settings, Clock clock, String problem) {
        this.settings = settings;
        this.clock = clock;
        this.attempts = new AttemptPolicy(settings.twoFactor().maxFailures());
        this.problem = problem;
        this.enrollment = new Enrollment(this, settings, attempts);
    }

    public static TwoFactorEngine create(Settings settings, Clock clock) {
        return new TwoFactorEngine(settings, clock, TwoFactorSetup.problem(settings));
    }

    /** Why the engine cannot work with this configuration, or null. */
    public String problem() {
        return problem;
    }

    /** {@code second factors in files under bulwark-data/2fa}: for the startup line. */
    public String describe() {
        return TwoFactorSetup.describe(settings);
    }

    /**
     * Lets the call through when the caller's session verified a code within {@code maxAge}, or when the code it
     * presents is accepted (the session is then fresh).
     *
     * @return true when a code was verified now, false when the session was fresh (for monitoring)
     * @throws TwoFactorRequiredException why not
     * @throws GuardUnavailableException  when the stores cannot answer
     */
    public boolean stepUp(Caller caller, Duration maxAge) {
        String user = caller.user();
        if (user == null) {
            throw new TwoFactorRequiredException(Reason.MISSING, maxAge);
        }
        if (!validUser(user)) {
            // Never looked up: text a store cannot keep as given could name another user's record (issue 16).
            throw new TwoFactorRequiredException(Reason.NOT_ENROLLED, maxAge);
        }
        EngineParts p = parts();
        Instant now = now();
        String session = caller.session();
        String code = caller.otp();
        boolean presented = code != null && !code.isEmpty();
        if (presented && acceptedInThisRequest(caller, user, code)) {
            // Verified earlier in this request: nothing is verified now.
            return false;
        }
        Instant verified = null;
        try {
            FactorRecord r = null;
            if (session != null) {
                verified = p.freshness().verifiedAt(user, session);
                if (verified != null) {
                    r = read(p, user);
                    if (!ofTheActiveFactor(r, verified)) {
                        verified = null;
                    }
                }
                if (verified != null && !maxAge.isZero() && !now.isAfter(verified.plus(maxAge))) {
                    return false;
                }
            }
            if (!presented) {
                // The same answer as with a code (no enrollment oracle): a user without a factor is NOT_ENROLLED.
                if (r == null) {
                    r = read(p, user);
                }
                if (r == null || r.active() == null) {
                    throw new TwoFactorRequiredException(Reason.NOT_ENROLLED, maxAge);
                }
                throw new TwoFactorRequiredException(verified != null ? Reason.EXPIRED : Reason.MISSING, maxAge);
            }
            Verdict verdict = verify(p, user, code, now);
            if (!verdict.accepted()) {
                throw new TwoFactorRequiredException(verdict.refusal(), maxAge, verdict.retryAfter());
            }
            remember(caller, user, code, now);
            if (session != null) {
                p.freshness().markVerified(user, session, now);
            }
            return true;
        } catch (StepUpStoreException e) {
            throw unavailable(e.getMessage());
        }
    }

    /**
     * Codes accepted, by the bound caller they came with: one bound scope is one request (the adapters bind one
     * {@link Caller} per request and {@link Bulwark#wrap} hands that same one to other threads), so a second
     * {@code @Requires2FA} call in it presenting the code the first call just spent passes rather than being counted
     * as a wrong code (issue 16: a legitimate batch locked its user). By identity, not {@link Caller#equals}: another
     * request carrying equal fields (the same user and code, replayed) is another request. A small table of weak
     * references by identity hash: a collision forgets an entry, which only means its next call is checked as before.
     */
    private final AtomicReferenceArray<Accepted> acceptedByRequest = new AtomicReferenceArray<>(256);

    record Accepted(WeakReference<Caller> caller, String user, byte[] code, Instant at) {
    }

    private static int slot(Caller caller) {
        return System.identityHashCode(caller) & 255;
    }

    private void remember(Caller caller, String user, String code, Instant now) {
        acceptedByRequest.set(slot(caller), new Accepted(new WeakReference<>(caller), user, digest(code), now));
    }

    /** What this very caller had accepted lately (within the replacement window), or null. */
    Accepted acceptedBy(Caller caller) {
        Accepted a = acceptedByRequest.get(slot(caller));
        return a != null && a.caller().get() == caller && !now().isAfter(a.at().plus(REPLACE_MAX_AGE)) ? a : null;
    }

    private boolean acceptedInThisRequest(Caller caller, String user, String code) {
        Accepted a = acceptedBy(caller);
        return a != null && a.user().equals(user) && MessageDigest.isEqual(a.code(), digest(code));
    }

    private static byte[] digest(String code) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private FactorRecord read(EngineParts p, String user) {
        try {
            return p.store().read(user);
        } catch (FactorStoreException e) {
            throw unavailable(e.getMessage());
        }
    }

    /**
     * Whether a session's verification at {@code verified} was of the factor active now: a factor disabled or
     * replaced since (a lost phone, a stolen session) takes its sessions' freshness with it, in every instance and
     * whoever changed it (another instance, {@code 2fa disable} from a shell), because the store is asked, not the
     * memory of whoever made the change. One store read per call that finds its session marked; a lock or new
     * recovery codes leave the factor, and so its sessions, as they are.
     */
    static boolean ofTheActiveFactor(FactorRecord r, Instant verified) {
        // At or after the confirmation: a code verified in the confirming instant is of the new factor (clocks with
        // a coarse tick). Instances whose clocks lag ask again until they pass it, which is safe.
        return r != null && r.active() != null && r.enrolledAt() != null && !verified.isBefore(r.enrolledAt());
    }

    private Verdict verify(EngineParts p, String user, String code, Instant now) {
        if (!validUser(user)) {
            return Verdict.NOT_ENROLLED;
        }
        try {
            return p.store().update(user, new CodeCheck(p, attempts, user, code, now));
        } catch (FactorStoreException e) {
            throw unavailable(e.getMessage());
        } catch (CodeCheck.Tampered e) {
            throw unavailable("user " + user + ": " + e.getMessage());
        }
    }

    @Override
    public TwoFactorEnrollment enroll(String user, String account) {
        return enrollment.enroll(user, account);
    }

    /** Confirms the pending enrollment; see {@link Enrollment#confirm} for the rules on replacing a factor. */
    @Override
    public List<String> confirm(String user, String code) {
        return enrollment.confirm(user, code);
    }

    /**
     * How fresh a step-up must be to replace an active factor: architecture.md §5's five minutes for credential
     * changes.
     */
    static final Duration REPLACE_MAX_AGE = Duration.ofMinutes(5);

    @Override
    public List<String> newRecoveryCodes(String user) {
        return enrollment.newRecoveryCodes(user);
    }

    @Override
    public boolean disable(String user) {
        return enrollment.disable(user);
    }

    @Override
    public boolean unlock(String user) {
        return enrollment.unlock(user);
    }

    @Override
    public TwoFactor.Status status(String user) {
        return enrollment.status(user);
    }
    private static boolean validUser(String user) {
        if (user.isEmpty() || user.length() > MAX_USER_LENGTH) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            // An unpaired surrogate is not text: PostgreSQL would store "bob\uD800" as "bob?", another user's row.
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == user.length() || !Character.isLowSurrogate(user.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static void requireUser(String user) {
        Objects.requireNonNull(user, "user");
        if (!validUser(user)) {
            throw new IllegalArgumentException("a user id for two-factor must be 1 to " + MAX_USER_LENGTH
                    + " characters of text, without control characters or unpaired surrogates");
        }
    }

    /** Microseconds, as PostgreSQL keeps them: what was stored reads back equal. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    GuardUnavailableException unavailable(String why) {
        Log.error("two-factor refused a call because it cannot decide: " + why);
        return new GuardUnavailableException(GUARD, "the second factor store is unavailable");
    }

    EngineParts parts() {
        EngineParts p = parts;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (parts == null) {
                if (problem != null) {
                    throw unavailable(problem);
                }
                parts = open();
            }
            return parts;
        }
    }

    private EngineParts open() {
        TwoFactorSettings config = settings.twoFactor();
        byte[] key = config.key();
        if (key == null) {
            try {
                key = LocalKeyFile.loadOrCreate(settings.audit().dataDir().resolve("2fa").resolve("totp.key"), 32);
            } catch (IOException e) {
                throw unavailable("cannot read or make the local TOTP key: " + e.getMessage());
            }
        }
        KeyRing keys = KeyRing.of(key, config.oldKeys());
        FactorStore raw = settings.audit().jdbc() != null ? new PostgresFactorStore(settings.audit().jdbc())
                : new FileFactorStore(settings.audit().dataDir());
        Freshness freshness;
        StepLedger ledger = null;
        if (settings.redis() != null) {
            RedisStepUp redis = new RedisStepUp(settings.redis(), TwoFactorRules.MAX_AGE_LIMIT);
            freshness = redis;
            ledger = redis;
        } else {
            freshness = new MemoryFreshness(TwoFactorRules.MAX_AGE_LIMIT);
        }
        FactorStore store = new SealedStore(raw, new RowSeal(keys), new Generations(ledger));
        // Made here, not with the engine: a SecureRandom loads the JCA's providers, which premain should not wait for.
        SecureRandom random = new SecureRandom();
        return new EngineParts(store, new SecretSealer(keys, random), new RecoveryHasher(keys), freshness, ledger,
                random);
    }

    @Override
    public synchronized void close() {
        if (parts != null) {
            parts.store().close();
            parts.freshness().close();
            parts = null;
        }
    }
}
