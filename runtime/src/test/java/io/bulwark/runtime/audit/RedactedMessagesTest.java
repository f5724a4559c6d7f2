package io.bulwark.runtime.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Capture;
import io.bulwark.ErrorDetail;
import io.bulwark.GuardUnavailableException;
import io.bulwark.Redact;
import io.bulwark.rules.key.Parameter;
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

    public record Lazy(String name) {
        @Override
        public String name() {
            throw new IllegalStateException("could not initialize proxy - no Session");
        }
    }

    @TempDir
    Path dataDir;

    /** One call of {@code pay(String account, @Redact String pin)} audited with {@code errors}, failing with
     *  {@code thrown}; its stored error message. */
    private String failure(ErrorDetail errors, String pin, Throwable thrown) throws Exception {
        AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir.resolve(
                java.util.UUID.randomUUID().toString())));
        try {
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Pay", "pay",
                    "(Ljava/lang/String;Ljava/lang/String;)V", List.of(new Parameter("account", "java.lang.String"),
                    new Parameter("pin", "java.lang.String", Redact.Mode.MASK)), List.of(), List.of(),
                    new AuditSpec("payment.create", "", "", "", Capture.ARGS, errors)), new ReflectiveTypeModel(),
                    getClass().getClassLoader());
            Object token = registry.enter(r.id(), new Object[] {"acct-1", pin});
            registry.exit(r.id(), token, null, thrown);
            return await(pipeline).get(0).errorMessage();
        } finally {
            pipeline.close();
        }
    }

    @Test
    void aRedactedValueIsCutInAnyCase() throws Exception {
        assertEquals("java.lang.IllegalStateException: pin [redacted] ([redacted]) is wrong", failure(
                ErrorDetail.MESSAGE, "OpenSesame", new IllegalStateException("pin OPENSESAME (opensesame) is wrong")));
    }

    @Test
    void aShortRedactedValueIsCutOrTheMessageGivenUp() throws Exception {
        assertEquals("java.lang.IllegalStateException: pin [redacted] is wrong", failure(ErrorDetail.MESSAGE, "42",
                new IllegalStateException("pin 42 is wrong")));
        assertEquals("java.lang.IllegalStateException", failure(ErrorDetail.MESSAGE, "42",
                new IllegalStateException("order 1425 declined")));
    }

    @Test
    void typeOnlyStoresTheExceptionsTypeAlone() throws Exception {
        assertEquals("java.sql.SQLException", failure(ErrorDetail.TYPE_ONLY, "4242",
                new java.sql.SQLException("duplicate key value (card)=(4111111111111111)")));
    }

    @Test
    void anArgumentThatCannotBeReadRefusesTheCallAndTheRefusalIsTheEvent() throws Exception {
        AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir));
        try {
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Orders", "place", "(L"
                    + Lazy.class.getName().replace('.', '/') + ";)V", List.of(new Parameter("order",
                    Lazy.class.getName())), List.of(), List.of(), new AuditSpec("order.create", "", "", "",
                    Capture.ARGS)), new ReflectiveTypeModel(), getClass().getClassLoader());
            GuardUnavailableException refused = assertThrows(GuardUnavailableException.class,
                    () -> registry.enter(r.id(), new Object[] {new Lazy("x")}));
            assertEquals(503, refused.httpStatus());
            AuditEvent event = await(pipeline).get(0);
            assertEquals(Status.DENIED, event.status());
            assertTrue(event.errorMessage().contains("its arguments could not be read for its audit event "
                    + "(java.lang.IllegalStateException while reading them)"), event.errorMessage());
            assertNull(event.changes(), "nothing half-captured, no _error marker");
            assertFalse(event.errorMessage().contains("no Session"), "the thrown message may quote the value");
        } finally {
            pipeline.close();
        }
    }

    @Test
    void redactedComponentsAreCutOutOfTheExceptionMessage() throws Exception {
        AuditPipeline pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir));
        try {
            GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), pipeline, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Pay", "pay", "(L" + Payment.class.getName()
                    .replace('.', '/') + ";Ljava/lang/String;)V",
                    List.of(new Parameter("payment", Payment.class.getName()),
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
