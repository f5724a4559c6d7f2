package io.bulwark.runtime.guard;

import io.bulwark.BulwarkException;
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
import io.bulwark.runtime.monitor.PolicyCounts;
import io.bulwark.runtime.monitor.PolicyEvents;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.util.concurrent.CancellationException;

/**
 * A method's {@code @RateLimited} policies: keys rendered, then all limits admitted at once or none.
 *
 * <p>A policy in shadow mode is enforced by the engine like any other; only its refusal is caught here (so the
 * admitted path costs what it did: the mode is looked at only when a call is refused), reported, and the call then
 * admitted by the method's other limits alone.
 *
 * <p>Admitted calls are counted, not published, unless a listener wants each one
 * ({@link BulwarkListener#wantsEveryAdmission()}): the in-memory engine counts them itself at no cost to the call
 * ({@code GcraCell}), a guard on Redis counts them here ({@link PolicyCounts}), and meters and JFR read the counts when
 * they are scraped or their period comes. Run 6 (benchmarks/README.md, "Monitoring") measured why: on the 12 ns global
 * call, handing each admission to a listener that does nothing cost +17.8%, Micrometer +62%, a JFR recording +88%,
 * against an issue-18 target of 10% (1.2 ns).
 */
final class RateLimitGuard implements MethodGuard {

    /** What {@link #enter(Object[], Object)} is given for the argument when it is given the array. */
    private static final Object ALL_ARGUMENTS = new Object();

    private final RateLimiter limiter;
    private final RateLimiter.Limit[] limits;
    private final KeyExtractor[] keys;
    private final boolean readsArguments;
    /** See {@link #argument()}: one limit whose key reads one argument and nothing else, or -1. */
    private final int argument;
    private final boolean settles;
    private final PolicyEvents[] events;
    private final ShadowLog[] shadowLogs;
    private final PolicyCounts[] counts;
    /** Checks that leave the JVM (Redis) are timed for monitoring; in memory, two clock reads would cost more. */
    private final boolean timed;
    /** Whether this guard counts its admitted calls (the engine does not: Redis). */
    private final boolean counting;
    /**
     * The listeners last found to need no admitted decision, once each has heard one of this method (so that it knows
     * the policies' names): while {@link Listeners#all()} is this very array, an admitted call publishes nothing. Null
     * until then, and always on Redis (whose admitted decisions carry a latency and are counted here anyway). A plain
     * field: a stale read sends a call through the watched path, which is correct too.
     */
    private BulwarkListener[] quiet;

    /**
     * @param shadowLogs each policy's, shared by every method of the policy
     * @param counts     each policy's admitted calls, shared likewise
     */
    RateLimitGuard(RateLimiter limiter, RateLimiter.Limit[] limits, KeyExtractor[] keys, ShadowLog[] shadowLogs,
            PolicyCounts[] counts) {
        this.limiter = limiter;
        this.limits = limits;
        this.keys = keys;
        this.shadowLogs = shadowLogs;
        this.counts = counts;
        boolean reads = false;
        boolean failures = false;
        this.events = new PolicyEvents[limits.length];
        for (int i = 0; i < limits.length; i++) {
            reads |= keys[i].readsArguments();
            failures |= limits[i].policy().count() == Count.FAILURES;
            events[i] = new PolicyEvents(limits[i].policy().name(), limiter.store());
        }
        this.readsArguments = reads;
        this.argument = limits.length == 1 ? keys[0].argument() : -1;
        this.settles = failures;
        this.timed = limiter.store() != Store.MEMORY;
        boolean byGuards = false;
        for (PolicyCounts c : counts) {
            byGuards |= c.countedByGuards();
        }
        this.counting = byGuards;
    }

    @Override
    public Object enter(Object[] args) {
        return enter(args, ALL_ARGUMENTS);
    }

    /**
     * The woven call of a method whose one key reads one argument passes it alone: the array of every argument (and
     * the boxes of its primitives) was, with the clock, what a keyed in-memory call allocated (40 bytes a call in
     * {@code InMemoryCallBenchmark.bulwarkKeyed}, {@code -prof gc}; benchmarks/README.md, "In-memory rate limiting").
     */
    @Override
    public Object enterArgument(Object argument) {
        if (this.argument < 0) {
            return MethodGuard.super.enterArgument(argument);
        }
        return enter(null, argument);
    }

    @Override
    public int argument() {
        return argument;
    }

    /** Given {@code args} ({@code argument} is {@link #ALL_ARGUMENTS}), or the one argument the key reads. */
    private Object enter(Object[] args, Object argument) {
        // The decision is published from here, where the engine's answer arrives, so that engines need not know who
        // listens. While no listener wants each admission (nobody listening included), an admitted call costs one
        // load and a compare here, with or without listeners or a JFR recording: the engine has counted it. A refusal
        // asks the listeners and JFR.
        BulwarkListener[] listeners = Listeners.all();
        if (listeners == quiet) {
            try {
                return acquire(args, argument);
            } catch (RateLimitedException | GuardUnavailableException refused) {
                // With one limit (all a single argument comes with), nothing is asked again: args are not read.
                return admitInShadow(args, refused, listeners, Monitor.rateLimitsRecorded(), 0);
            }
        }
        return acquireWatched(args, argument, listeners);
    }

    /** A single limit reads its key straight from the arguments (no string built where the engine needs none). */
    private Object acquire(Object[] args, Object argument) {
        if (keys.length == 1) {
            return argument == ALL_ARGUMENTS ? limiter.acquire(limits[0], keys[0], args)
                    : limiter.acquireArgument(limits[0], keys[0], argument);
        }
        String[] rendered = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            rendered[i] = keys[i].extract(args);
        }
        return limiter.acquire(limits, rendered);
    }

    /**
     * A call while the listeners changed, some listener wants each admission, or on Redis: the admission is published
     * (and counted, on Redis). Then, if no listener wants each admission, the next calls take the plain path.
     */
    private Object acquireWatched(Object[] args, Object argument, BulwarkListener[] listeners) {
        // Read after the listeners, so never older than them (Listeners writes it first).
        boolean every = Listeners.everyAdmission();
        long start = timed ? System.nanoTime() : 0;
        Object token;
        try {
            token = acquire(args, argument);
        } catch (RateLimitedException | GuardUnavailableException refused) {
            return admitInShadow(args, refused, listeners, Monitor.rateLimitsRecorded(), start);
        }
        publishAdmitted(listeners, start, null);
        if (!every && !timed) {
            quiet = listeners;
        }
        return token;
    }

    /**
     * An allowed decision per policy of the call, but those that admitted it only in shadow mode ({@code skipped}):
     * counted when this guard counts (Redis), and handed to the listeners.
     */
    private void publishAdmitted(BulwarkListener[] listeners, long start, boolean[] skipped) {
        if (!timed) {
            // In memory: counted by the engine; the decisions were made once, nothing is allocated.
            for (int i = 0; i < events.length; i++) {
                if (skipped == null || !skipped[i]) {
                    Monitor.admitted(listeners, events[i].allowed);
                }
            }
            return;
        }
        boolean withoutStore = withoutStore();
        if (counting) {
            for (int i = 0; i < counts.length; i++) {
                if ((skipped == null || !skipped[i]) && counts[i].countedByGuards()) {
                    counts[i].admitted(withoutStore);
                }
            }
        }
        if (listeners.length == 0) {
            return;
        }
        long nanos = System.nanoTime() - start;
        for (int i = 0; i < events.length; i++) {
            if (skipped == null || !skipped[i]) {
                PolicyEvents p = events[i];
                Monitor.admitted(listeners, withoutStore ? p.allowedWithoutStore : PolicyEvents.timed(p.allowed,
                        nanos));
            }
        }
    }

    /**
     * A policy refused the call: rethrown when it enforces; when it is in shadow mode, reported, and the call admitted
     * by the method's other limits alone (asked again without it, until they admit or one that enforces refuses).
     * Its engine committed nothing for a refused call, so the shadowed policy counts just as it would when enforced.
     */
    private Object admitInShadow(Object[] args, BulwarkException refused, BulwarkListener[] listeners,
            boolean recorded, long start) {
        boolean watched = listeners.length != 0 || recorded;
        boolean[] skipped = null;
        ShadowAdmission first = null;
        BulwarkException refusal = refused;
        while (true) {
            int i = indexOf(refusal);
            if (i < 0 || skipped != null && skipped[i] || !limits[i].policy().shadow()) {
                if (watched) {
                    publishRefusal(refusal, listeners, recorded, start);
                }
                throw refusal;
            }
            if (skipped == null) {
                skipped = new boolean[limits.length];
            }
            skipped[i] = true;
            RateLimitDecision.Reason reason = reason(refusal);
            shadowLogs[i].admitted(reason);
            if (watched) {
                Monitor.rateLimit(listeners, recorded, events[i].shadowDenied(reason), events[i].throttle);
            }
            if (first == null) {
                first = new ShadowAdmission(null, events[i].policy, reason);
            }
            try {
                Object token = acquireAllBut(args, skipped);
                publishAdmitted(listeners, start, skipped);
                return token == null ? first : new ShadowAdmission(token, first.policy(), first.reason());
            } catch (RateLimitedException | GuardUnavailableException next) {
                refusal = next;
            }
        }
    }

    /** The method's limits but those {@code skipped}, admitted at once or refused; null when none is left. */
    private Object acquireAllBut(Object[] args, boolean[] skipped) {
        int n = 0;
        for (boolean skip : skipped) {
            n += skip ? 0 : 1;
        }
        if (n == 0) {
            return null;
        }
        RateLimiter.Limit[] rest = new RateLimiter.Limit[n];
        String[] rendered = new String[n];
        int j = 0;
        for (int i = 0; i < limits.length; i++) {
            if (!skipped[i]) {
                rest[j] = limits[i];
                rendered[j++] = keys[i].extract(args);
            }
        }
        return limiter.acquire(rest, rendered);
    }

    private void publishRefusal(BulwarkException refusal, BulwarkListener[] listeners, boolean recorded, long start) {
        int i = Math.max(0, indexOf(refusal));
        PolicyEvents p = events[i];
        RateLimitDecision decision;
        if (refusal instanceof RateLimitedException) {
            decision = refusal instanceof LockedOutException ? p.lockedOut
                    : withoutStore() ? p.limitExceededWithoutStore : p.limitExceeded;
        } else {
            decision = p.error;
        }
        Monitor.rateLimit(listeners, recorded, timed(decision, start), p.throttle);
    }

    private static RateLimitDecision.Reason reason(BulwarkException refusal) {
        if (refusal instanceof LockedOutException) {
            return RateLimitDecision.Reason.LOCKED_OUT;
        }
        return refusal instanceof RateLimitedException ? RateLimitDecision.Reason.LIMIT_EXCEEDED
                : RateLimitDecision.Reason.STORE_UNAVAILABLE;
    }

    /** Whether the store was unavailable, so that the policies' failure policies decided (racy only at a change). */
    private boolean withoutStore() {
        return timed && !limiter.storeStatus().available();
    }

    private RateLimitDecision timed(RateLimitDecision decision, long start) {
        return timed && decision.store() != Store.MEMORY ? PolicyEvents.timed(decision, System.nanoTime() - start)
                : decision;
    }

    /** The index of the policy that refused, or -1 when it is none of this method's. */
    private int indexOf(BulwarkException refusal) {
        String policy = refusal instanceof RateLimitedException r ? r.policy()
                : refusal instanceof GuardUnavailableException g ? g.guard() : null;
        for (int i = 0; i < events.length; i++) {
            if (events[i].policy.equals(policy)) {
                return i;
            }
        }
        return -1;
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
        if (token instanceof ShadowAdmission shadow) {
            token = shadow.token();
        }
        if (token != null) {
            limiter.settle(token, thrown);
        }
    }

    @Override
    public void cancel(Object token, CancellationException why) {
        if (token instanceof ShadowAdmission shadow) {
            token = shadow.token();
        }
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
