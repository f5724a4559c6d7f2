package io.bulwark.runtime.guard;

import io.bulwark.internal.GuardRuntime;
import io.bulwark.internal.Message;
import io.bulwark.internal.key.TypeModel;
import io.bulwark.runtime.InvalidGuardException;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.KeyCompiler;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every guarded method, by the id woven into it. Registration happens at weave time, once per method; a call
 * is an array load and a virtual call away from its guard.
 */
public final class GuardRegistry implements GuardRuntime {

    private final Settings settings;
    private final RateLimiter limiter;
    /** Replaced, never mutated in place, on registration: readers need no lock. */
    private volatile MethodGuard[] guards = new MethodGuard[16];
    private int size;
    private final Map<String, SharedLimit> limitsByName = new HashMap<>();
    private boolean exitFailureLogged;

    private record SharedLimit(RateLimiter.Limit limit, String declaredBy) {
    }

    public GuardRegistry(Settings settings, RateLimiter limiter) {
        this.settings = settings;
        this.limiter = limiter;
    }

    /**
     * Registers a method found in a class being woven. An invalid declaration is logged and registered as a
     * guard that refuses every call.
     *
     * @param types  answers questions about the application's types without loading them
     * @param loader the class's loader, through which property accessors are resolved on first use
     */
    public synchronized Registration register(MethodSpec method, TypeModel types, ClassLoader loader) {
        MethodGuard guard;
        try {
            guard = rateLimitGuard(method, types, loader);
            Log.debug("guarding " + method.display());
        } catch (InvalidGuardException e) {
            return refuse(method.display(), e.getMessage());
        }
        return add(guard);
    }

    /**
     * Registers a method whose guards could not even be read: it will refuse every call.
     *
     * @param method how to name it: {@code com.acme.Auth.login(String, String)}
     */
    public synchronized Registration refuse(String method, String reason) {
        Log.error("@RateLimited on " + method + ": " + reason + ". Every call to it is refused until this is fixed.");
        return add(new RefusingGuard(method));
    }

    private Registration add(MethodGuard guard) {
        MethodGuard[] next = Arrays.copyOf(guards, size == guards.length ? size * 2 : guards.length);
        next[size] = guard;
        guards = next;
        return new Registration(size++, guard.readsArguments(), guard.settles());
    }

    private MethodGuard rateLimitGuard(MethodSpec method, TypeModel types, ClassLoader loader)
            throws InvalidGuardException {
        int n = method.rateLimits().size();
        RateLimiter.Limit[] limits = new RateLimiter.Limit[n];
        KeyExtractor[] keys = new KeyExtractor[n];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            RateLimitSpec spec = method.rateLimits().get(i);
            RateLimitPolicy policy = PolicyFactory.create(spec, method, settings);
            if (!names.add(policy.name())) {
                throw new InvalidGuardException(Message.POLICY_TWICE_ON_METHOD.format(policy.name()));
            }
            keys[i] = KeyCompiler.compile(spec.key(), policy.name(), method.parameters(), types, loader,
                    method.keyExtractor(i));
            if (Log.enabled(Log.Level.DEBUG) && !spec.key().isEmpty()) {
                Log.debug("policy '" + policy.name() + "': key " + (method.keyExtractor(i) != null
                        ? "read by " + method.keyExtractor(i) : "compiled by the agent"));
            }
            limits[i] = shared(policy, method);
        }
        return new RateLimitGuard(limiter, limits, keys);
    }

    /** Methods that name the same policy share its counters, provided they declare it alike. */
    private RateLimiter.Limit shared(RateLimitPolicy policy, MethodSpec method) throws InvalidGuardException {
        SharedLimit existing = limitsByName.get(policy.name());
        if (existing == null) {
            RateLimiter.Limit limit = limiter.limit(policy);
            limitsByName.put(policy.name(), new SharedLimit(limit, method.display()));
            return limit;
        }
        if (!existing.limit().policy().equals(policy)) {
            throw new InvalidGuardException(Message.POLICY_DECLARED_DIFFERENTLY.format(policy.name(),
                    existing.declaredBy(), PolicyFactory.describe(existing.limit().policy())));
        }
        return existing.limit();
    }

    @Override
    public Object enter(int guard, Object[] args) {
        return guards[guard].enter(args);
    }

    @Override
    public boolean reset(String policy, String renderedKey) {
        boolean reset = limiter.reset(policy, renderedKey);
        Log.info("rate-limit state of policy '" + policy + "' reset for one key" + (reset ? "" : " (there was none)"));
        return reset;
    }

    @Override
    public void exit(int guard, Object token, Throwable thrown) {
        try {
            guards[guard].exit(token, thrown);
        } catch (Throwable t) {
            // Never into the application: its own result or exception stands.
            logExitFailure(t);
        }
    }

    private synchronized void logExitFailure(Throwable t) {
        if (!exitFailureLogged) {
            exitFailureLogged = true;
            Log.error("settling a guard failed (" + t.getClass().getName() + "); further such failures are not logged");
        }
    }
}
