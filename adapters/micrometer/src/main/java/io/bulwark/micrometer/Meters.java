package io.bulwark.micrometer;

import io.bulwark.monitoring.AuditRecorded;
import io.bulwark.monitoring.AuditShipped;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.StepUpDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The listener behind {@link BulwarkMetrics}, for one registry: meters made on first use, then looked up by index. */
final class Meters implements BulwarkListener {

    /**
     * Threads that can count decisions in a cell of their own at once (a few KB with a few policies); more add to
     * shared adders, as fast as Micrometer's counters.
     */
    private static final int THREADS = Math.max(256, 8 * Runtime.getRuntime().availableProcessors());

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, PolicyMeters> policies = new ConcurrentHashMap<>();
    /** Every policy's decision counters, one per policy, outcome and reason seen, numbered as first seen. */
    private final ThreadCounts decisions = new ThreadCounts(THREADS);
    private final AtomicInteger nextDecisionCounter = new AtomicInteger();
    private final AtomicReferenceArray<Counter> audit = new AtomicReferenceArray<>(
            AuditRecorded.Status.values().length);
    private final AtomicReferenceArray<Counter> stepUps = new AtomicReferenceArray<>(
            StepUpDecision.Outcome.values().length);
    private final Counter shipped;
    /**
     * The policy seen last: a hot method's decisions skip the map (a hash and an equals of the name). Replaced whole,
     * so a racing reader sees one consistent pair or the other.
     */
    private PolicyMeters last;

    Meters(MeterRegistry registry) {
        this.registry = registry;
        this.shipped = Counter.builder("bulwark.audit.shipped").description("audit events committed in PostgreSQL")
                .baseUnit("events").register(registry);
    }

    @Override
    public void onRateLimit(RateLimitDecision decision) {
        PolicyMeters p = last;
        if (p == null || p.policy != decision.policy()) {
            p = policies.get(decision.policy());
            if (p == null) {
                p = policy(decision.policy());
            }
            last = p;
        }
        if (decision.outcome() == RateLimitDecision.Outcome.ALLOWED) {
            p.admitted(decision.reason());
        } else {
            p.count(decision.outcome(), decision.reason());
        }
        if (decision.storeNanos() > 0) {
            p.check(decision.store()).record(decision.storeNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private PolicyMeters policy(String name) {
        // A bound on the tag's values, whatever publishes: past it, policies share one series.
        String tag = policies.size() < PolicyMeters.MAX_POLICIES ? name : PolicyMeters.OTHER;
        return policies.computeIfAbsent(tag, t -> new PolicyMeters(registry, t, decisions, nextDecisionCounter,
                policies));
    }

    /**
     * Admitted calls are counted by Bulwark and read at scrape time ({@link AdmittedCount}): handing each one to this
     * listener cost +62% on the 12 ns global call (run 6 in benchmarks/README.md, "Monitoring").
     */
    @Override
    public boolean wantsEveryAdmission() {
        return false;
    }

    /** The binding was closed: the meters keep what they counted. */
    void freeze() {
        for (PolicyMeters p : policies.values()) {
            p.freeze();
        }
    }

    @Override
    public void onStepUp(StepUpDecision decision) {
        int i = decision.outcome().ordinal();
        Counter c = stepUps.get(i);
        if (c == null) {
            c = Counter.builder("bulwark.twofactor.verifications").tag("outcome", decision.outcome().tag())
                    .description("@Requires2FA checks, by outcome").register(registry);
            stepUps.set(i, c);
        }
        c.increment();
    }

    @Override
    public void onAuditRecorded(AuditRecorded event) {
        int i = event.status().ordinal();
        Counter c = audit.get(i);
        if (c == null) {
            c = Counter.builder("bulwark.audit.events").tag("status", event.status().tag())
                    .description("audit events captured, by the call's outcome").baseUnit("events").register(registry);
            audit.set(i, c);
        }
        c.increment();
    }

    @Override
    public void onAuditShipped(AuditShipped batch) {
        shipped.increment(batch.events());
    }
}
