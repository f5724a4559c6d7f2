package io.bulwark.runtime.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bulwark.Capture;
import io.bulwark.Redact;
import io.bulwark.internal.key.Parameter;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed call's exception message is stored without the redacted values the call carried, nested ones too. */
class RedactedMessagesTest {

    public record Card(String holder, @Redact(mode = Redact.Mode.DROP) String number,
            @Redact(mode = Redact.Mode.HASH) long pin) {
    }

    public record Payment(String to, Card card) {
    }

    @TempDir
    Path dataDir;

    @Test
    void redactedComponentsAreCutOutOfTheExceptionMessage() throws Exception {
        AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir));
        try {
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Pay", "pay", "(L" + Payment.class.getName()
                    .replace('.', '/') + ";Ljava/lang/String;)V", List.of(new Parameter("payment", Payment.class.getName()),
                    new Parameter("otp", "java.lang.String", Redact.Mode.MASK)), List.of(), List.of(),
                    new AuditSpec("payment.create", "", "", "", Capture.ARGS)), new ReflectiveTypeModel(),
                    getClass().getClassLoader());
            Payment payment = new Payment("bob", new Card("alice", "4111111111111111", 987654));
            Object token = registry.enter(r.id(), new Object[] {payment, "123456"});
            registry.exit(r.id(), token, null, new IllegalStateException("card 4111111111111111 (pin 987654) of "
                    + "alice declined, code 123456"));
            List<AuditEvent> events = await(pipeline);
            String message = events.get(0).errorMessage();
            assertEquals("java.lang.IllegalStateException: card [redacted] (pin [redacted]) of alice declined, code "
                    + "[redacted]", message);
            assertFalse(events.get(0).changes().contains("4111111111111111"), events.get(0).changes());
        } finally {
            pipeline.close();
        }
    }

    private static List<AuditEvent> await(AuditPipeline pipeline) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<AuditEvent> events = AuditQuery.fromJournal(pipeline.auditDir(),
                    new AuditQuery.Filter(null, null, null, 10));
            if (!events.isEmpty() || System.nanoTime() > deadline) {
                assertEquals(1, events.size());
                return events;
            }
            Thread.sleep(20);
        }
    }
}
