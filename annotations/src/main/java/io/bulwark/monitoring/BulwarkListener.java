package io.bulwark.monitoring;

/**
 * Receives what Bulwark decides. Register one with {@link io.bulwark.Bulwark#listen}; implement only the methods
 * you need.
 *
 * <pre>{@code
 * Subscription subscription = Bulwark.listen(new BulwarkListener() {
 *     @Override
 *     public void onRateLimit(RateLimitDecision decision) {
 *         if (decision.outcome() == RateLimitDecision.Outcome.DENIED) {
 *             refusals.increment(decision.policy());          // the policy's name, never the key
 *         }
 *     }
 * });
 * ...
 * subscription.close();                                        // stops the calls
 * }</pre>
 *
 * <p>Each method is called on the thread that decided, right after the decision (a rate-limit or step-up decision on
 * the application's thread, before the guarded method runs or is refused; audit shipping and store changes on
 * Bulwark's own threads): return quickly, and do not call guarded methods from here. What a listener throws is
 * logged once and otherwise ignored: it never changes a decision. With no listener registered, deciding costs
 * nothing more.
 *
 * <p>Ready-made listeners: {@code io.bulwark.micrometer.BulwarkMetrics} (Micrometer meters) and
 * {@code io.bulwark.opentelemetry.BulwarkTracing} (refusals on the current span).
 */
public interface BulwarkListener {

    /**
     * A {@code @RateLimited} policy admitted or refused a call. Refusals, shadow refusals and errors arrive one by one
     * always; admitted calls ({@link RateLimitDecision.Outcome#ALLOWED}) only while some listener
     * {@linkplain #wantsEveryAdmission() wants every one}.
     */
    default void onRateLimit(RateLimitDecision decision) {
    }

    /**
     * Whether this listener needs {@link #onRateLimit} for every admitted call; asked once, when it is registered.
     * Answer {@code false} when counts are enough: Bulwark counts admitted calls itself, per policy, and
     * {@link io.bulwark.Bulwark#rateLimitCounts()} reads them when wanted (a metrics scrape). An admitted call then
     * publishes nothing: on the in-memory engine's fast path, handing each admission to a listener costs more than the
     * call itself (benchmarks/README.md, "Monitoring"). Such a listener may still receive some admissions, and must not
     * count them (the counts already do): those of policies on Redis (they carry the store's latency), those made
     * while another listener wants every admission, and the first admitted call of each guarded method after the
     * listeners changed (so that it learns the policy's name).
     *
     * <p>The default is {@code true}: every admission, as before this method existed. Bulwark's own Micrometer and
     * OpenTelemetry listeners answer {@code false}.
     */
    default boolean wantsEveryAdmission() {
        return true;
    }

    /** A {@code @Requires2FA} method checked its caller's second factor. */
    default void onStepUp(StepUpDecision decision) {
    }

    /** An {@code @Audited} call's event was captured. */
    default void onAuditRecorded(AuditRecorded event) {
    }

    /** A batch of audit events reached PostgreSQL. */
    default void onAuditShipped(AuditShipped batch) {
    }

    /** Redis, PostgreSQL or the audit journal went away or came back. */
    default void onStoreStateChange(StoreStateChange change) {
    }
}
