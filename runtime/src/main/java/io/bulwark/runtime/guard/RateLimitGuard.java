package io.bulwark.runtime.guard;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.internal.Listeners;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.monitor.Monitor;
import io.bulwark.runtime.monitor.PolicyEvents;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.util.concurrent.CancellationException;

/** A method's {@code @RateLimited} policies: keys rendered, then all limits admitted at once or none. */
final class RateLimitGuard implements MethodGuard {

    private final RateLimiter limiter;
    private final RateLimiter.Limit[] limits;
    private final KeyExtractor[] keys;
    private final boolean readsArguments;
    private final boolean settles;
    private final PolicyEvents[] events;
    /** Checks that leave the JVM (Redis) are timed for monitoring; in memory, two clock reads would cost more. */
    private final boolean timed;

    RateLimitGuard(RateLimiter limiter, RateLimiter.Limit[] limits, KeyExtractor[] keys) {
        this.limiter = limiter;
        this.limits = limits;
        this.keys = keys;
        boolean reads = false;
        boolean failures = false;
        this.events = new PolicyEvents[limits.length];
        for (int i = 0; i < limits.length; i++) {
            reads |= keys[i].readsArguments();
            failures |= limits[i].policy().count() == Count.FAILURES;
            events[i] = new PolicyEvents(limits[i].policy().name(), limiter.store());
        }
        this.readsArguments = reads;
        this.settles = failures;
        this.timed = limiter.store() != Store.MEMORY;
    }

    @Override
    public Object enter(Object[] args) {
        // The decision is published from here, where the engine's answer arrives, so that engines need not know who
        // listens. Without a listener or a JFR recording this is one load and a branch (JFR's check folds away); the
        // listeners are read once a call and handed down.
        BulwarkListener[] listeners = Listeners.all();
        boolean recorded = Monitor.rateLimitsRecorded();
        if (listeners.length == 0 && !recorded) {
            return acquire(args);
        }
        return acquireWatched(args, listeners, recorded);
    }

    /** A single limit reads its key straight from the arguments (no string built where the engine needs none). */
    private Object acquire(Object[] args) {
        if (keys.length == 1) {
            return limiter.acquire(limits[0], keys[0], args);
        }
        String[] rendered = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            rendered[i] = keys[i].extract(args);
        }
        return limiter.acquire(limits, rendered);
    }

    private Object acquireWatched(Object[] args, BulwarkListener[] listeners, boolean recorded) {
        long start = timed ? System.nanoTime() : 0;
        Object token;
        try {
            token = acquire(args);
        } catch (RateLimitedException refused) {
            PolicyEvents p = events[indexOf(refused.policy())];
            RateLimitDecision decision = refused instanceof LockedOutException ? p.lockedOut
                    : withoutStore() ? p.limitExceededWithoutStore : p.limitExceeded;
            Monitor.rateLimit(listeners, recorded, timed(decision, start), p.throttle);
            throw refused;
        } catch (GuardUnavailableException unavailable) {
            PolicyEvents p = events[indexOf(unavailable.guard())];
            Monitor.rateLimit(listeners, recorded, timed(p.error, start), p.throttle);
            throw unavailable;
        }
        if (!timed) {
            // In memory: the decisions were made once, nothing is allocated.
            for (PolicyEvents p : events) {
                Monitor.rateLimit(listeners, recorded, p.allowed, p.throttle);
            }
            return token;
        }
        long nanos = System.nanoTime() - start;
        boolean withoutStore = withoutStore();
        for (PolicyEvents p : events) {
            Monitor.rateLimit(listeners, recorded, withoutStore ? p.allowedWithoutStore
                    : PolicyEvents.timed(p.allowed, nanos), p.throttle);
        }
        return token;
    }

    /** Whether the store was unavailable, so that the policies' failure policies decided (racy only at a change). */
    private boolean withoutStore() {
        return timed && !limiter.storeStatus().available();
    }

    private RateLimitDecision timed(RateLimitDecision decision, long start) {
        return timed && decision.store() != Store.MEMORY ? PolicyEvents.timed(decision, System.nanoTime() - start)
                : decision;
    }

    private int indexOf(String policy) {
        for (int i = 0; i < events.length; i++) {
            if (events[i].policy.equals(policy)) {
                return i;
            }
        }
        return 0;
    }

    /** The key {@code policy} renders for {@code args}, or null when it is not one of this method's policies. */
    String keyOf(String policy, Object[] args) {
        for (int i = 0; i < limits.length; i++) {
            if (limits[i].policy().name().equals(policy)) {
                return keys[i].extract(args);
            }
        }
        return null;
    }

    @Override
    public void exit(Object token, Object result, Throwable thrown) {
        if (token != null) {
            limiter.settle(token, thrown);
        }
    }

    @Override
    public void cancel(Object token, CancellationException why) {
        if (token != null) {
            limiter.release(token);
        }
    }

    @Override
    public boolean readsArguments() {
        return readsArguments;
    }

    @Override
    public boolean settles() {
        return settles;
    }
}
