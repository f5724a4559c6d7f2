package io.bulwark.micrometer;

import io.bulwark.monitoring.RateLimitDecision.Outcome;
import io.bulwark.monitoring.RateLimitDecision.Reason;
import io.bulwark.monitoring.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** One policy's meters; registering twice in Micrometer returns the first, so a race here only costs a lookup. */
final class PolicyMeters {

    static final int MAX_POLICIES = 1_000;
    static final String OTHER = "_other";
    private static final int REASONS = Reason.values().length;

    private final MeterRegistry registry;
    /** The name, the very string the runtime publishes (compared by identity first, see {@link Meters}). */
    final String policy;
    private final ThreadCounts counts;
    private final AtomicInteger nextCounter;
    /**
     * Each outcome and reason's counter in {@link #counts}, -1 until the first such decision registers its meter. A
     * plain array: an int is written whole, and a stale -1 only sends a decision through {@link #register}.
     */
    private final int[] decisions = new int[Outcome.values().length * REASONS];
    private final AtomicReferenceArray<Timer> checks = new AtomicReferenceArray<>(Store.values().length);
    /** Admitted calls within the limit and without the store, read from Bulwark's counts; null until first seen. */
    private final AdmittedCount[] admitted = new AdmittedCount[2];
    private final Map<String, PolicyMeters> named;

    /**
     * @param nextCounter hands out the registry's counters in {@code counts}, in the order they are first seen
     * @param named       the policies with meters of their own (for {@link #OTHER}'s admitted calls)
     */
    PolicyMeters(MeterRegistry registry, String policy, ThreadCounts counts, AtomicInteger nextCounter,
            Map<String, PolicyMeters> named) {
        this.registry = registry;
        this.policy = policy;
        this.counts = counts;
        this.nextCounter = nextCounter;
        this.named = named;
        Arrays.fill(decisions, -1);
    }

    /**
     * An admitted decision reached this listener (the first of a method, or one on Redis): its meter is made, reading
     * Bulwark's own count. The decision itself is not counted, the count has it.
     */
    void admitted(Reason reason) {
        int i = reason == Reason.WITHIN_LIMIT ? 0 : 1;
        if (admitted[i] == null) {
            registerAdmitted(i, reason);
        }
    }

    private synchronized void registerAdmitted(int i, Reason reason) {
        if (admitted[i] != null) {
            return;
        }
        AdmittedCount count = new AdmittedCount(policy, i == 1, named);
        // The function holds the count itself: Micrometer keeps only a weak reference to the object (see register).
        FunctionCounter.builder("bulwark.ratelimit.decisions", count, unused -> count.read())
                .tag("policy", policy).tag("outcome", Outcome.ALLOWED.tag()).tag("reason", reason.tag())
                .description("@RateLimited decisions, by policy, outcome and reason")
                .register(registry);
        admitted[i] = count;
    }

    /** The binding was closed: admitted counts keep their value, as the other meters do. */
    synchronized void freeze() {
        for (AdmittedCount count : admitted) {
            if (count != null) {
                count.freeze();
            }
        }
    }

    /** Counts one decision. */
    void count(Outcome outcome, Reason reason) {
        int i = outcome.ordinal() * REASONS + reason.ordinal();
        int counter = decisions[i];
        counts.increment(counter >= 0 ? counter : register(i, outcome, reason));
    }

    /**
     * Read when the registry is scraped, so a decision costs no atomic instruction (see {@link ThreadCounts}). The
     * function holds {@code counts} itself: Micrometer keeps only a weak reference to a function counter's object, and
     * the counts must outlive the listener (a closed binding's meters stay, with what they counted).
     */
    private synchronized int register(int i, Outcome outcome, Reason reason) {
        int counter = decisions[i];
        if (counter >= 0) {
            return counter;
        }
        int index = nextCounter.getAndIncrement();
        ThreadCounts c = counts;
        FunctionCounter.builder("bulwark.ratelimit.decisions", c, unused -> c.sum(index))
                .tag("policy", policy).tag("outcome", outcome.tag()).tag("reason", reason.tag())
                .description("@RateLimited decisions, by policy, outcome and reason")
                .register(registry);
        decisions[i] = index;
        return index;
    }

    Timer check(Store store) {
        int i = store.ordinal();
        Timer t = checks.get(i);
        if (t == null) {
            t = Timer.builder("bulwark.ratelimit.check").tag("policy", policy).tag("store", store.tag())
                    .description("how long the rate-limit store took to answer a check")
                    .register(registry);
            checks.set(i, t);
        }
        return t;
    }
}
