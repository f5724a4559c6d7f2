package io.bulwark.opentelemetry;

import io.bulwark.Bulwark;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.StepUpDecision;
import io.bulwark.monitoring.Subscription;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/**
 * Bulwark's refusals on the current OpenTelemetry span: the span gets the attributes {@code bulwark.policy},
 * {@code bulwark.decision} and {@code bulwark.reason}, and an event ({@code bulwark.ratelimit} or
 * {@code bulwark.stepup}) carrying them, so that a trace shows which guard turned the request away and why.
 * Admitted calls add nothing. Spring Boot's adapter installs it when the OpenTelemetry API is on the class path.
 *
 * <pre>{@code
 * Subscription tracing = BulwarkTracing.install();   // once, at startup
 * }</pre>
 *
 * <p>For a step-up, {@code bulwark.policy} is {@code requires2fa}. Nothing recorded names a key, a user or a code.
 */
public final class BulwarkTracing implements BulwarkListener {

    public static final AttributeKey<String> POLICY = AttributeKey.stringKey("bulwark.policy");
    public static final AttributeKey<String> DECISION = AttributeKey.stringKey("bulwark.decision");
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("bulwark.reason");

    /** Registers a tracing listener; close the subscription to stop. */
    public static Subscription install() {
        return Bulwark.listen(new BulwarkTracing());
    }

    @Override
    public void onRateLimit(RateLimitDecision decision) {
        if (decision.outcome() != RateLimitDecision.Outcome.ALLOWED) {
            record("bulwark.ratelimit", decision.policy(), decision.outcome().tag(), decision.reason().tag());
        }
    }

    /** Admitted calls add nothing to a span: none need reach this listener (they are counted by Bulwark). */
    @Override
    public boolean wantsEveryAdmission() {
        return false;
    }

    @Override
    public void onStepUp(StepUpDecision decision) {
        if (!decision.passed()) {
            record("bulwark.stepup", "requires2fa",
                    decision.outcome() == StepUpDecision.Outcome.ERROR ? "error" : "denied", decision.outcome().tag());
        }
    }

    private static void record(String event, String policy, String outcome, String reason) {
        Span span = Span.current();
        if (!span.isRecording()) {
            return;
        }
        Attributes attributes = Attributes.of(POLICY, policy, DECISION, outcome, REASON, reason);
        span.setAllAttributes(attributes);
        span.addEvent(event, attributes);
    }
}
