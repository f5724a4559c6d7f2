package io.bulwark.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Count;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.monitoring.Subscription;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A refusal inside a span, made by the runtime as woven code would call it, as an exporter sees the span. */
class BulwarkTracingTest {

    @TempDir
    Path dataDir;

    @Test
    void aRefusalAddsAttributesAndAnEventToTheCurrentSpanAndAnAdmissionAddsNothing() {
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir));
        AuditPipeline audit = new AuditPipeline(settings.audit());
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
                Subscription subscription = BulwarkTracing.install()) {
            GuardRegistry registry = new GuardRegistry(settings,
                    new InMemoryRateLimiter(MicroClock.monotonic(), 100, false), audit, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Api", "api", "(Ljava/lang/String;)V",
                    List.of(new Parameter("user", "java.lang.String")), List.of(new RateLimitSpec("traced", 1, "1m",
                    "{user}", Count.CALLS, "", List.of(), false, StoreFailure.LOCAL))), new ReflectiveTypeModel(),
                    getClass().getClassLoader());
            Tracer tracer = tracing.get("test");
            for (String name : List.of("admitted", "refused")) {
                Span span = tracer.spanBuilder(name).startSpan();
                try (Scope scope = span.makeCurrent()) {
                    if (name.equals("admitted")) {
                        registry.enter(r.id(), new Object[] {"user-secret-9"});
                    } else {
                        assertThrows(RateLimitedException.class,
                                () -> registry.enter(r.id(), new Object[] {"user-secret-9"}));
                    }
                } finally {
                    span.end();
                }
            }
            // Before the provider closes: shutting down clears the exporter.
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertEquals(2, spans.size());
            SpanData admitted = spans.get(0);
            assertTrue(admitted.getAttributes().isEmpty() && admitted.getEvents().isEmpty(), admitted.toString());
            SpanData refused = spans.get(1);
            assertEquals("traced", refused.getAttributes().get(BulwarkTracing.POLICY));
            assertEquals("denied", refused.getAttributes().get(BulwarkTracing.DECISION));
            assertEquals("limit_exceeded", refused.getAttributes().get(BulwarkTracing.REASON));
            EventData event = refused.getEvents().get(0);
            assertEquals("bulwark.ratelimit", event.getName());
            assertEquals("traced", event.getAttributes().get(BulwarkTracing.POLICY));
            assertFalse(refused.toString().contains("secret"), refused.toString());
        } finally {
            audit.close();
        }
    }
}
