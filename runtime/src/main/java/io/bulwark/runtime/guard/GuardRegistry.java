package io.bulwark.runtime.guard;

import io.bulwark.Capture;
import io.bulwark.GuardUnavailableException;
import io.bulwark.Redact;
import io.bulwark.internal.GuardRuntime;
import io.bulwark.internal.TwoFactorOperations;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitCounts;
import io.bulwark.rules.AsyncReturns;
import io.bulwark.rules.AuditRules;
import io.bulwark.rules.Message;
import io.bulwark.rules.Problem;
import io.bulwark.rules.SecretNames;
import io.bulwark.rules.TwoFactorRules;
import io.bulwark.rules.key.Parameter;
import io.bulwark.rules.key.TypeModel;
import io.bulwark.runtime.InvalidGuardException;
import io.bulwark.runtime.audit.AuditCapture;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.audit.capture.ArgumentCapture;
import io.bulwark.runtime.audit.capture.GeneratedArguments;
import io.bulwark.runtime.audit.capture.MetadataArguments;
import io.bulwark.runtime.audit.capture.PlannedArguments;
import io.bulwark.runtime.config.ConfigWatch;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.KeyCompiler;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.PolicyCounts;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.twofactor.stepup.TwoFactorEngine;
import java.lang.ref.Cleaner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * Every guarded method, by the id woven into it. Registration happens at weave time, once per method; a call
 * is an array load and a virtual call away from its guard.
 */
public final class GuardRegistry implements GuardRuntime, ConfigWatch.Target {

    private final Settings settings;
    /**
     * What policies are made from: {@link #settings} until the configuration file changes while the agent runs
     * ({@link #reconfigure}); everything else keeps reading {@link #settings}.
     */
    private Settings policySettings;
    private final RateLimiter limiter;
    private final AuditPipeline audit;
    /** Made on first use (see {@link #twoFactorEngine()}), unless given. */
    private volatile TwoFactorEngine twoFactor;
    private final Clock clock;
    /** Replaced, never mutated in place, on registration: readers need no lock. */
    private volatile MethodGuard[] guards = new MethodGuard[16];
    private int size;
    private final Map<String, SharedLimit> limitsByName = new HashMap<>();
    /** What {@link #rateLimitCounts()} reads, without the lock. */
    private final CountsByPolicy counts = new CountsByPolicy();
    private boolean exitFailureLogged;
    /** Watches asynchronous results for abandonment (see {@link AsyncCall}); made with the first such call. */
    private volatile Cleaner cleaner;

    /** A policy as the first method to declare it made it: what a reload makes it again from. */
    private record SharedLimit(RateLimiter.Limit limit, String declaredBy, RateLimitSpec spec, MethodSpec method,
            ShadowLog shadowLog, PolicyCounts counts) {
    }

    /**
     * @param audit where audit events go; its threads start when the first {@code @Audited} method registers. The
     *              two-factor engine is made from {@code settings} when first needed.
     */
    public GuardRegistry(Settings settings, RateLimiter limiter, AuditPipeline audit, Clock clock) {
        this(settings, limiter, audit, null, clock);
    }

    /** @param twoFactor what {@code @Requires2FA} and {@link io.bulwark.TwoFactor} use; null to make it when needed */
    public GuardRegistry(Settings settings, RateLimiter limiter, AuditPipeline audit, TwoFactorEngine twoFactor,
            Clock clock) {
        this.settings = settings;
        this.policySettings = settings;
        this.limiter = limiter;
        this.audit = audit;
        this.twoFactor = twoFactor;
        this.clock = clock;
    }

    /**
     * Registers a method found in a class being woven. An invalid declaration is logged and registered as a
     * guard that refuses every call.
     *
     * @param types  answers questions about the application's types without loading them
     * @param loader the class's loader, through which property accessors are resolved on first use
     */
    public synchronized Registration register(MethodSpec method, TypeModel types, ClassLoader loader) {
        MethodGuard guard = null;
        RateLimitGuard limits = null;
        String annotation = "@RateLimited";
        try {
            if (!method.rateLimits().isEmpty()) {
                limits = rateLimitGuard(method, types, loader);
                guard = limits;
            }
            annotation = "@Requires2FA";
            if (method.twoFactor() != null) {
                guard = stepUpGuard(method.twoFactor(), guard);
            }
            annotation = "@Audited";
            if (method.audit() != null) {
                guard = new AuditGuard(auditCapture(method, types, loader), guard, limits,
                        limits == null ? null : audit.refusals());
            }
            if (guard == null) {
                return refuse("Bulwark", method.display(), "no guard annotation was found on it");
            }
            annotation = "Bulwark";
            String async = AsyncReturns.problem(method.returns(), method.returnType(), method.suspend(),
                    countsFailures(method), method.audit() != null);
            if (async != null) {
                throw new InvalidGuardException(async);
            }
            Log.debug("guarding " + method.display());
        } catch (InvalidGuardException e) {
            return refuse(annotation, method.display(), e.getMessage(), method.returns());
        }
        return add(guard, method.returns());
    }

    /**
     * Registers a method whose guards cannot be applied: it will refuse every call.
     *
     * @param what   the guard at fault, {@code @RateLimited}, or what was found wanting ({@code Bulwark index})
     * @param method how to name it: {@code com.acme.Auth.login(String, String)}
     */
    public synchronized Registration refuse(String what, String method, String reason) {
        return refuse(what, method, reason, AsyncReturns.Shape.PLAIN);
    }

    /**
     * As {@link #refuse(String, String, String)}, for a method of that shape: a {@code CompletionStage} method is
     * refused with a failed stage (a {@code Mono}/{@code Flux} one, by its Reactor helper, with an error signal).
     */
    public synchronized Registration refuse(String what, String method, String reason, AsyncReturns.Shape returns) {
        Log.error(what + " on " + method + ": " + reason + ". Every call to it is refused until this is fixed.");
        return add(new RefusingGuard(method), returns);
    }

    private static boolean countsFailures(MethodSpec method) {
        for (RateLimitSpec spec : method.rateLimits()) {
            if (spec.count() == io.bulwark.Count.FAILURES) {
                return true;
            }
        }
        return false;
    }

    private Registration add(MethodGuard guard) {
        return add(guard, AsyncReturns.Shape.PLAIN);
    }

    private Registration add(MethodGuard guard, AsyncReturns.Shape returns) {
        if (returns == AsyncReturns.Shape.STAGE) {
            guard = new StageGuard(size, guard, this);
        }
        MethodGuard[] next = Arrays.copyOf(guards, size == guards.length ? size * 2 : guards.length);
        next[size] = guard;
        guards = next;
        // One argument passed alone only where the woven code calls enter directly (not a stage's, whose guard wraps
        // this one, nor a Mono/Flux's subscription).
        int argument = returns == AsyncReturns.Shape.PLAIN ? guard.argument() : -1;
        return new Registration(size++, guard.readsArguments(), guard.settles(), guard.needsResult(), argument);
    }

    private RateLimitGuard rateLimitGuard(MethodSpec method, TypeModel types, ClassLoader loader)
            throws InvalidGuardException {
        int n = method.rateLimits().size();
        RateLimiter.Limit[] limits = new RateLimiter.Limit[n];
        KeyExtractor[] keys = new KeyExtractor[n];
        ShadowLog[] shadowLogs = new ShadowLog[n];
        PolicyCounts[] policyCounts = new PolicyCounts[n];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            RateLimitSpec spec = method.rateLimits().get(i);
            RateLimitPolicy policy = PolicyFactory.create(spec, method, policySettings);
            if (!names.add(policy.name())) {
                throw new InvalidGuardException(Message.POLICY_TWICE_ON_METHOD.format(policy.name()));
            }
            keys[i] = KeyCompiler.compile(spec.key(), policy.name(), method.parameters(), types, loader,
                    method.keyExtractor(i));
            if (Log.enabled(Log.Level.DEBUG) && !spec.key().isEmpty()) {
                Log.debug("policy '" + policy.name() + "': key " + (method.keyExtractor(i) != null
                        ? "read by " + method.keyExtractor(i) : "compiled by the agent"));
            }
            SharedLimit shared = shared(policy, spec, method);
            limits[i] = shared.limit();
            shadowLogs[i] = shared.shadowLog();
            policyCounts[i] = shared.counts();
        }
        return new RateLimitGuard(limiter, limits, keys, shadowLogs, policyCounts);
    }

    private MethodGuard stepUpGuard(TwoFactorSpec spec, MethodGuard inner) throws InvalidGuardException {
        Duration maxAge;
        try {
            maxAge = TwoFactorRules.maxAge(spec.maxAge());
        } catch (IllegalArgumentException e) {
            throw new InvalidGuardException(e.getMessage());
        }
        TwoFactorEngine engine = twoFactorEngine();
        if (engine.problem() != null) {
            throw new InvalidGuardException(engine.problem());
        }
        return new StepUpGuard(engine, maxAge, inner);
    }

    /**
     * The engine, made on first use: premain does not load it (a dozen classes) for an application that may never
     * ask for a second factor. Nothing in it opens a store or a connection before it is used either.
     */
    private TwoFactorEngine twoFactorEngine() {
        TwoFactorEngine engine = twoFactor;
        if (engine == null) {
            synchronized (this) {
                if (twoFactor == null) {
                    twoFactor = TwoFactorEngine.create(settings, clock);
                }
                engine = twoFactor;
            }
        }
        return engine;
    }

    private AuditCapture auditCapture(MethodSpec method, TypeModel types, ClassLoader loader)
            throws InvalidGuardException {
        AuditSpec spec = method.audit();
        List<Problem> problems = AuditRules.check(spec.action(), spec.resourceType());
        if (!problems.isEmpty()) {
            throw new InvalidGuardException(problems.get(0).message());
        }
        String guardName = spec.action();
        var resourceId = KeyCompiler.compileText("resourceId", spec.resourceId(), guardName, method.parameters(), types,
                loader, spec.resourceIdExtractor());
        var resourceName = KeyCompiler.compileText("resourceName", spec.resourceName(), guardName, method.parameters(),
                types, loader, spec.resourceNameExtractor());
        List<Parameter> parameters = method.parameters();
        String[] names = new String[parameters.size()];
        Redact.Mode[] redactions = new Redact.Mode[parameters.size()];
        List<Integer> redacted = new ArrayList<>();
        boolean captures = spec.capture() == Capture.ARGS || spec.capture() == Capture.ARGS_AND_RESULT;
        for (int i = 0; i < names.length; i++) {
            Parameter p = parameters.get(i);
            names[i] = p.name() != null ? p.name() : "arg" + i;
            redactions[i] = p.redaction();
            if (redactions[i] == null && captures && !spec.checked() && SecretNames.looksSecret(p.name())) {
                redactions[i] = Redact.Mode.MASK;
                Log.warn("@Audited on " + method.display() + ": parameter '" + p.name() + "' looks secret and is not "
                        + "@Redact: it is masked in audit records (with the Bulwark processor this is a compile "
                        + "error)");
            }
            if (redactions[i] != null) {
                redacted.add(i);
            }
        }
        ArgumentCapture arguments = switch (spec.capture()) {
            case NONE -> null;
            case METADATA -> new MetadataArguments(names, redactions);
            case ARGS, ARGS_AND_RESULT -> spec.argumentsCapture() != null
                    ? new GeneratedArguments(method.display(), spec.argumentsCapture(), loader)
                    : new PlannedArguments(names, redactions);
        };
        audit.start();
        int[] redactedIndexes = new int[redacted.size()];
        for (int i = 0; i < redactedIndexes.length; i++) {
            redactedIndexes[i] = redacted.get(i);
        }
        return new AuditCapture(method.display(), spec.action(), spec.resourceType(), resourceId, resourceName,
                spec.capture(), spec.errors(), arguments, redactedIndexes, audit, clock);
    }

    /** Methods that name the same policy share its counters, provided they declare it alike. */
    private SharedLimit shared(RateLimitPolicy policy, RateLimitSpec spec, MethodSpec method)
            throws InvalidGuardException {
        SharedLimit existing = limitsByName.get(policy.name());
        if (existing == null) {
            RateLimiter.Limit limit = limiter.limit(policy);
            SharedLimit made = new SharedLimit(limit, method.display(), spec, method, new ShadowLog(policy.name()),
                    new PolicyCounts(limit));
            limitsByName.put(policy.name(), made);
            counts.add(made.counts());
            return made;
        }
        if (!existing.limit().policy().equals(policy)) {
            throw new InvalidGuardException(Message.POLICY_DECLARED_DIFFERENTLY.format(policy.name(),
                    existing.declaredBy(), PolicyFactory.describe(existing.limit().policy())));
        }
        return existing;
    }

    /**
     * Applies the rate-limit keys of {@code next} ({@code bulwark.ratelimit.mode}, {@code bulwark.ratelimit.algorithm}
     * and {@code bulwark.ratelimit.<name>.limit|window|lockout|algorithm|mode}) to every policy registered, and to
     * those registered from now on: all of them, or, when any would be invalid, none.
     *
     * @return the problems that kept it from applying anything, each naming the policy and the key; empty when applied
     */
    @Override
    public synchronized List<String> reconfigure(Settings next) {
        Map<String, RateLimitPolicy> changed = new java.util.TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, SharedLimit> entry : limitsByName.entrySet()) {
            SharedLimit shared = entry.getValue();
            try {
                RateLimitPolicy policy = PolicyFactory.policy(shared.spec(), shared.method(), next);
                if (!policy.equals(shared.limit().policy())) {
                    changed.put(entry.getKey(), policy);
                }
            } catch (InvalidGuardException e) {
                problems.add("policy '" + entry.getKey() + "': " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        policySettings = next;
        for (Map.Entry<String, RateLimitPolicy> entry : changed.entrySet()) {
            SharedLimit shared = limitsByName.get(entry.getKey());
            RateLimitPolicy before = shared.limit().policy();
            limiter.reconfigure(shared.limit(), entry.getValue());
            Log.info("policy '" + entry.getKey() + "' is now " + entry.getValue().describe() + " (was "
                    + before.describe() + ")" + (before.keepsStateApartFrom(entry.getValue())
                            ? "; it counts afresh" : ""));
        }
        return List.of();
    }

    @Override
    public Object enter(int guard, Object[] args) {
        return guards[guard].enter(args);
    }

    @Override
    public Object enterArgument(int guard, Object argument) {
        return guards[guard].enterArgument(argument);
    }

    @Override
    public Object subscribe(int guard, Object[] args, Object owner) {
        MethodGuard g = guards[guard];
        return openCall(guard, g, g.enter(args), owner);
    }

    /** An asynchronous call admitted by {@code guard}, settled once; {@code owner} is watched for abandonment. */
    AsyncCall openCall(int id, MethodGuard guard, Object token, Object owner) {
        Cleaner c = null;
        if (guard.settles()) {
            c = cleaner;
            if (c == null) {
                c = makeCleaner();
            }
        }
        return AsyncCall.open(id, guard, token, this, c, guard.settles() ? owner : null);
    }

    private synchronized Cleaner makeCleaner() {
        if (cleaner == null) {
            cleaner = Cleaner.create(task -> {
                Thread t = new Thread(task, "bulwark-abandoned-calls");
                t.setDaemon(true);
                return t;
            });
        }
        return cleaner;
    }

    @Override
    public int admitBody(Object call) {
        if (!(call instanceof AsyncCall admitted) || !admitted.takeBody()) {
            throw new IllegalStateException("Bulwark: not an admitted call whose body has yet to run");
        }
        return admitted.guardId;
    }

    @Override
    public void settle(Object call, Object result, Throwable thrown) {
        try {
            // As for a stage: the cause inside CompletionException, and a CancellationException is a cancellation.
            ((AsyncCall) call).accept(result, thrown);
        } catch (Throwable t) {
            logExitFailure(t);
        }
    }

    @Override
    public void cancel(Object call) {
        try {
            ((AsyncCall) call).cancel(new CancellationException("cancelled before it completed"));
        } catch (Throwable t) {
            logExitFailure(t);
        }
    }

    @Override
    public TwoFactorOperations twoFactor() {
        TwoFactorEngine engine = twoFactorEngine();
        if (engine.problem() != null) {
            throw new GuardUnavailableException("two-factor", engine.problem());
        }
        return engine;
    }

    @Override
    public boolean reset(String policy, String renderedKey) {
        boolean reset = limiter.reset(policy, normalized(policy, renderedKey));
        Log.info("rate-limit state of policy '" + policy + "' reset for one key" + (reset ? "" : " (there was none)"));
        return reset;
    }

    /**
     * The key {@code RateLimits.reset} names, as the policy's template renders it: its modifiers applied
     * ({@code {email:lower}}: resetting {@code Alice@Example.com} clears {@code alice@example.com}) and an IPv6
     * {@code {caller.ip}} by its network.
     */
    private synchronized String normalized(String policy, String renderedKey) {
        SharedLimit shared = limitsByName.get(policy);
        List<String> values = io.bulwark.internal.KeyFraming.values(renderedKey);
        if (shared == null || values == null) {
            return renderedKey;
        }
        List<io.bulwark.rules.Template.Ref> refs = new ArrayList<>();
        for (io.bulwark.rules.Template.Part part
                : io.bulwark.rules.Template.parse(shared.limit().policy().key())) {
            if (part instanceof io.bulwark.rules.Template.Ref ref) {
                refs.add(ref);
            }
        }
        if (refs.size() != values.size()) {
            return renderedKey;
        }
        String[] normalized = new String[values.size()];
        for (int i = 0; i < normalized.length; i++) {
            String value = values.get(i);
            io.bulwark.rules.Template.Ref ref = refs.get(i);
            if (ref.isCaller() && ref.path().get(1).equals("ip")) {
                value = io.bulwark.internal.KeyText.callerIp(value);
            }
            for (String modifier : ref.modifiers()) {
                value = io.bulwark.internal.KeyText.apply(modifier, value);
            }
            normalized[i] = value;
        }
        return io.bulwark.internal.KeyFraming.frame(normalized);
    }

    @Override
    public BulwarkStatus status() {
        limiter.probe();
        List<BulwarkStatus.StoreStatus> stores = new ArrayList<>(3);
        stores.add(limiter.storeStatus());
        stores.addAll(audit.storeStatus());
        return new BulwarkStatus(true, stores, audit.backlog(), audit.journalUsableBytes());
    }

    @Override
    public List<RateLimitCounts> rateLimitCounts() {
        return counts.all();
    }

    @Override
    public RateLimitCounts rateLimitCounts(String policy) {
        return counts.of(policy);
    }

    @Override
    public void exit(int guard, Object token, Object result, Throwable thrown) {
        try {
            guards[guard].exit(token, result, thrown);
        } catch (Throwable t) {
            // Never into the application: its own result or exception stands.
            logExitFailure(t);
        }
    }

    synchronized void logExitFailure(Throwable t) {
        if (!exitFailureLogged) {
            exitFailureLogged = true;
            Log.error("settling a guard failed (" + t.getClass().getName() + "); further such failures are not logged");
        }
    }
}
