package io.bulwark.agent.e2e.apps;

import io.bulwark.Audited;
import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.RateLimitedException;
import io.bulwark.Redact;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Logins and a quota that deliver their outcome later: a {@code CompletableFuture}, a {@code Mono}, a {@code Flux}.
 * Compiled with the processor. Prints {@code label.i=outcome} lines; then {@code done}, and waits to be stopped. The
 * first argument, if any, is appended to every email and user, so that runs against one Redis do not meet.
 */
public class AsyncApp {

    public static final String PASSWORD = "correct horse battery staple";

    public static final class BadCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadCredentials(String message) {
            super(message);
        }
    }

    /** One thread: a task submitted after a login's has run only once that login's future and callbacks are done. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    /** How many times the Mono login's body ran: it must run once per subscription, never at assembly. */
    public final AtomicInteger monoBodies = new AtomicInteger();

    @RateLimited(name = "future-login", limit = 3, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m", resetOnSuccess = true, failureOn = BadCredentials.class)
    @Audited(action = "future.login", resourceType = "user", resourceId = "{email}")
    public CompletableFuture<String> futureLogin(String email, @Redact String password) {
        return CompletableFuture.supplyAsync(() -> {
            sleep(30);
            return check(email, password);
        }, worker);
    }

    /** Returns a stage already complete: settled before the caller gets it. */
    @RateLimited(name = "stage-login", limit = 2, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m", failureOn = BadCredentials.class)
    public CompletionStage<String> stageLogin(String email, @Redact String password) {
        try {
            return CompletableFuture.completedFuture(check(email, password));
        } catch (BadCredentials e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @RateLimited(name = "mono-login", limit = 3, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m", resetOnSuccess = true, failureOn = BadCredentials.class)
    @Audited(action = "mono.login", resourceType = "user", resourceId = "{email}")
    public Mono<String> monoLogin(String email, @Redact String password) {
        monoBodies.incrementAndGet();
        // Eager on purpose: the check runs as the publisher is built, and is guarded all the same.
        return Mono.just(check(email, password));
    }

    /** Never completes by itself: for cancellation. */
    @RateLimited(name = "slow-login", limit = 2, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m", failureOn = BadCredentials.class)
    @Audited(action = "slow.login", resourceType = "user", resourceId = "{email}")
    public Mono<String> slowLogin(String email, @Redact String password) {
        return PASSWORD.equals(password) ? Mono.never() : Mono.error(new BadCredentials("wrong password"));
    }

    @RateLimited(name = "flux-history", limit = 2, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m", failureOn = BadCredentials.class)
    @Audited(action = "flux.history", resourceType = "user", resourceId = "{email}")
    public Flux<String> history(String email, @Redact String password) {
        return Flux.defer(() -> {
            check(email, password);
            return Flux.just("login-1", "login-2", "login-3");
        });
    }

    /** A quota per caller, read from the subscriber's Reactor context. */
    @RateLimited(name = "mono-items", limit = 2, window = "1h", key = "{caller.user}")
    public Mono<List<String>> items() {
        return Mono.fromCallable(() -> List.of("shield", "moat"));
    }

    private static String check(String email, String password) {
        if (!PASSWORD.equals(password)) {
            throw new BadCredentials("wrong password for " + email);
        }
        return "session for " + email;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code VALUE x}, {@code FAILED <outcome>} for a failed stage; {@code THREW <outcome>} for a synchronous throw.
     */
    private String future(CompletionStage<String> call) {
        String outcome;
        try {
            outcome = "VALUE " + call.toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            outcome = "FAILED " + describe(e.getCause());
        }
        try {
            // The login's task, its future and its callbacks (Bulwark's settlement) have run once this one has.
            worker.submit(() -> { }).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return outcome;
    }

    private static String signal(Mono<?> mono) {
        return mono.map(v -> "VALUE " + v).onErrorResume(e -> Mono.just("ERROR " + describe(e))).block();
    }

    private static String describe(Throwable e) {
        if (e instanceof RateLimitedException r) {
            return r.getClass().getSimpleName() + " policy=" + r.policy() + " retryAfter="
                    + r.httpHeaders().get("Retry-After");
        }
        return e instanceof BulwarkException ? e.getClass().getSimpleName() : e.getClass().getSimpleName();
    }

    private static String threw(Runnable call) {
        try {
            call.run();
            return "no";
        } catch (RuntimeException e) {
            return "THREW " + describe(e);
        }
    }

    public static void main(String[] args) throws Exception {
        AsyncApp app = new AsyncApp();
        String run = args.length > 0 ? args[0] : "";
        String alice = "alice" + run + "@example.com";

        // CompletableFuture: failures counted at completion; the lockout refuses with a failed stage.
        for (int i = 1; i <= 5; i++) {
            System.out.println("future-wrong." + i + "=" + app.future(app.futureLogin(alice, "guess-" + i)));
        }
        System.out.println("future-right=" + app.future(app.futureLogin(alice, PASSWORD)));
        System.out.println("future-refusal-thrown=" + threw(() -> app.futureLogin(alice, PASSWORD)));
        String bob = "bob" + run + "@example.com";
        app.future(app.futureLogin(bob, "guess"));
        app.future(app.futureLogin(bob, "guess"));
        System.out.println("future-bob-ok=" + app.future(app.futureLogin(bob, PASSWORD)));
        System.out.println("future-bob-after-reset=" + app.future(app.futureLogin(bob, "guess")));
        System.out.println("future-bob-after-reset=" + app.future(app.futureLogin(bob, "guess")));
        System.out.println("future-bob-not-locked=" + app.future(app.futureLogin(bob, PASSWORD)));

        // A stage already complete when returned.
        for (int i = 1; i <= 3; i++) {
            System.out.println("stage-wrong." + i + "=" + app.future(app.stageLogin(alice, "guess")));
        }

        // Mono: nothing runs at assembly; each subscription is one attempt, on another scheduler too.
        Mono<String> wrong = app.monoLogin(alice, "guess");
        System.out.println("mono-bodies-at-assembly=" + app.monoBodies.get());
        System.out.println("mono-retried=" + signal(wrong.subscribeOn(Schedulers.boundedElastic()).retry(5)));
        System.out.println("mono-bodies=" + app.monoBodies.get());
        System.out.println("mono-refusal-thrown=" + threw(() -> app.monoLogin(alice, "guess")));
        System.out.println("mono-right=" + signal(app.monoLogin(alice, PASSWORD)));
        System.out.println("mono-bob=" + signal(app.monoLogin(bob, PASSWORD)));

        // Cancelled attempts count neither way; the audit says they were cancelled.
        String carol = "carol" + run + "@example.com";
        for (int i = 1; i <= 3; i++) {
            System.out.println("slow-cancelled." + i + "=" + signal(app.slowLogin(carol, PASSWORD)
                    .timeout(Duration.ofMillis(50))));
        }
        System.out.println("slow-wrong=" + signal(app.slowLogin(carol, "guess")));
        System.out.println("slow-still-open=" + signal(app.slowLogin(carol, PASSWORD).timeout(Duration.ofMillis(50))));

        // Flux: settled when it completes or fails.
        for (int i = 1; i <= 3; i++) {
            System.out.println("flux-wrong." + i + "=" + signal(app.history(alice, "guess").collectList()));
        }
        System.out.println("flux-right=" + signal(app.history(bob, PASSWORD).collectList()));

        // The caller comes from the subscriber's context, whichever thread subscribes.
        for (int i = 1; i <= 3; i++) {
            System.out.println("items-u1." + i + "=" + signal(app.items().subscribeOn(Schedulers.parallel())
                    .contextWrite(Context.of(Caller.class, Caller.of("u1" + run)))));
        }
        System.out.println("items-u2=" + signal(app.items().subscribeOn(Schedulers.parallel())
                .contextWrite(Context.of(Caller.class, Caller.of("u2" + run)))));

        app.worker.shutdown();
        System.out.println("done");
        Thread.sleep(60_000);
    }
}
