package io.bulwark.runtime.guard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.rules.AsyncReturns;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guards of methods returning a {@code CompletionStage}, driven as the woven code drives them: settled when the
 * stage completes, with the cause a dependent stage wraps; cancelled stages and abandoned ones give their slot back.
 */
class AsyncGuardsTest {

    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"),
            new Parameter("password", "java.lang.String"));
    private static final String STAGE =
            "(Ljava/lang/String;Ljava/lang/String;)Ljava/util/concurrent/CompletableFuture;";

    static final class BadCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private GuardRegistry registry;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        Settings settings = Settings.defaults();
        registry = new GuardRegistry(settings, new InMemoryRateLimiter(new ManualClock(), 1_000, false),
                new AuditPipeline(settings.audit()), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        Log.setOutput(System.err);
    }

    private Registration login(AsyncReturns.Shape shape, String descriptor, boolean resetOnSuccess) {
        RateLimitSpec lockout = new RateLimitSpec("login", 3, "5m", "{email}", Count.FAILURES, "15m",
                List.of(BadCredentials.class.getName()), resetOnSuccess, StoreFailure.LOCAL);
        return registry.register(new MethodSpec("com.acme.Auth", "login", descriptor, LOGIN, List.of(lockout),
                Collections.singletonList(null), null, null, shape), new ReflectiveTypeModel(),
                getClass().getClassLoader());
    }

    /** What the woven code of a stage method does: enter, run the body, hand the stage returned to exit. */
    private CompletableFuture<String> call(Registration r, CompletableFuture<String> body) {
        Object token = registry.enter(r.id(), new Object[] {"alice@example.com", "pw"});
        registry.exit(r.id(), token, body, null);
        return body;
    }

    @Test
    void aStageMethodSettlesWhenItsStageFailsNotWhenItReturns() {
        Registration r = login(AsyncReturns.Shape.STAGE, STAGE, false);
        assertTrue(r.settles());
        assertTrue(r.needsResult(), "the woven code hands over the stage it returns");
        CompletableFuture<String> pending = call(r, new CompletableFuture<>());
        for (int i = 0; i < 2; i++) {
            call(r, CompletableFuture.failedFuture(new BadCredentials()));
        }
        // Two failures and one attempt in flight: busy, not yet locked.
        RateLimitedException busy = assertThrows(RateLimitedException.class, () -> call(r, new CompletableFuture<>()));
        assertFalse(busy instanceof LockedOutException);
        // A dependent stage's failure arrives wrapped: the cause is what failureOn names.
        pending.completeExceptionally(new CompletionException(new ExecutionException(new BadCredentials())));
        assertThrows(LockedOutException.class, () -> call(r, CompletableFuture.completedFuture("session")));
    }

    @Test
    void successOnCompletionResetsFailuresWhenAsked() {
        Registration r = login(AsyncReturns.Shape.STAGE, STAGE, true);
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        CompletableFuture<String> late = call(r, new CompletableFuture<>());
        late.complete("session");
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        call(r, CompletableFuture.completedFuture("session"));
    }

    @Test
    void failuresOfOtherTypesAndCancellationsCountNeitherWay() {
        Registration r = login(AsyncReturns.Shape.STAGE, STAGE, false);
        for (int i = 0; i < 5; i++) {
            call(r, CompletableFuture.failedFuture(new IllegalStateException("database down")));
            call(r, new CompletableFuture<>()).cancel(true);
        }
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        call(r, CompletableFuture.failedFuture(new BadCredentials()));
        assertThrows(LockedOutException.class, () -> call(r, new CompletableFuture<>()));
    }

    @Test
    void aPlainMethodReturningAStageWithoutTheShapeWouldSettleAtReturn() {
        // The same declaration woven as if synchronous: the failed stage is a returned value, i.e. a success.
        Registration r = login(AsyncReturns.Shape.PLAIN, STAGE, false);
        for (int i = 0; i < 10; i++) {
            call(r, CompletableFuture.failedFuture(new BadCredentials()));
        }
        assertFalse(r.needsResult());
    }

    @Test
    void anAbandonedStageGivesItsSlotBackOnceItIsGarbage() throws Exception {
        Registration r = login(AsyncReturns.Shape.STAGE, STAGE, false);
        for (int i = 0; i < 3; i++) {
            call(r, new CompletableFuture<>());
        }
        assertThrows(RateLimitedException.class, () -> call(r, new CompletableFuture<>()));
        // The three stages are unreachable now: once collected, their calls are settled as abandoned.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            System.gc();
            try {
                call(r, CompletableFuture.completedFuture("session"));
                break;
            } catch (RateLimitedException stillHeld) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("abandoned stages still hold their slots after 30 s of collections");
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void anUnsupportedAsyncTypeIsRefusedWhenItsOutcomeWouldBeCounted() {
        Registration r = login(AsyncReturns.Shape.UNSUPPORTED,
                "(Ljava/lang/String;Ljava/lang/String;)Ljava/util/concurrent/Future;", false);
        GuardUnavailableException e = assertThrows(GuardUnavailableException.class,
                () -> registry.enter(r.id(), new Object[] {"a", "b"}));
        assertTrue(e.getMessage().contains("its guard declaration is invalid"), e.getMessage());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(
                "ERROR Bulwark on com.acme.Auth.login(String, String): "
                + "count = FAILURES needs the outcome of each call, but the method returns "
                + "java.util.concurrent.Future, whose outcome Bulwark cannot follow"),
                log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aReactiveCallRunsItsBodyOnceAndSettlesOnce() {
        Registration r = login(AsyncReturns.Shape.MONO,
                "(Ljava/lang/String;Ljava/lang/String;)Lreactor/core/publisher/Mono;", false);
        Object call = registry.subscribe(r.id(), new Object[] {"alice@example.com", "pw"}, new Object());
        registry.settle(call, null, new BadCredentials());
        registry.settle(call, null, new BadCredentials());
        registry.cancel(call);
        Object second = registry.subscribe(r.id(), new Object[] {"alice@example.com", "pw"}, new Object());
        registry.settle(second, null, new BadCredentials());
        Object third = registry.subscribe(r.id(), new Object[] {"alice@example.com", "pw"}, new Object());
        registry.settle(third, null, new BadCredentials());
        assertThrows(LockedOutException.class,
                () -> registry.subscribe(r.id(), new Object[] {"alice@example.com", "pw"}, new Object()));
    }
}
