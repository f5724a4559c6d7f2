package io.bulwark.benchmarks;

import io.bulwark.Count;
import io.bulwark.Redact;
import io.bulwark.StoreFailure;
import io.bulwark.rules.AsyncReturns;
import io.bulwark.rules.key.Parameter;
import io.bulwark.rules.key.TypeModel;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What settling at completion costs over settling at return (issue 13): the guards of a login under a lockout
 * ({@code count = FAILURES}, key {@code {email}}, in memory), called through the guard registry as the woven code
 * calls it, for a method that returns its outcome ({@link #sync}), one that returns a {@code CompletableFuture}
 * already complete ({@link #stageCompleted}) or completed after it returned ({@link #stagePending}), and the calls
 * Bulwark's Reactor helper makes for one {@code Mono} subscription ({@link #subscription}). The difference is the
 * asynchronous path's own cost: a per-call object that settles once, its registration with the Cleaner that watches
 * for abandoned results, and the stage's callback. The successes never fill the window, so every call is admitted.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class AsyncGuardBenchmark {

    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"),
            new Parameter("password", "java.lang.String", Redact.Mode.MASK));
    private static final TypeModel NO_TYPES = new TypeModel() {
        @Override
        public List<Accessor> accessors(String typeName) {
            return List.of();
        }

        @Override
        public boolean isEnum(String typeName) {
            return false;
        }

        @Override
        public Redact.Mode redaction(String typeName, String field) {
            return null;
        }
    };

    private GuardRegistry registry;
    private int sync;
    private int stage;
    private int mono;
    private final Object[] args = {"alice@example.com", "correct horse battery staple"};
    private final CompletableFuture<String> completed = CompletableFuture.completedFuture("session");

    @Setup
    public void setUp() {
        Settings settings = Settings.defaults();
        registry = new GuardRegistry(settings, new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false),
                new AuditPipeline(settings.audit()), Clock.systemUTC());
        sync = register("Ljava/lang/String;", AsyncReturns.Shape.PLAIN);
        stage = register("Ljava/util/concurrent/CompletableFuture;", AsyncReturns.Shape.STAGE);
        mono = register("Lreactor/core/publisher/Mono;", AsyncReturns.Shape.MONO);
    }

    private int register(String returned, AsyncReturns.Shape shape) {
        RateLimitSpec lockout = new RateLimitSpec("login-" + shape, 5, "5m", "{email}", Count.FAILURES, "15m",
                List.of(), false, StoreFailure.LOCAL);
        Registration r = registry.register(new MethodSpec("com.acme.Auth", "login" + shape,
                "(Ljava/lang/String;Ljava/lang/String;)" + returned, LOGIN, List.of(lockout),
                Collections.singletonList(null), null, null, shape), NO_TYPES, getClass().getClassLoader());
        return r.id();
    }

    @Benchmark
    public Object sync() {
        Object token = registry.enter(sync, args);
        registry.exit(sync, token, null, null);
        return token;
    }

    @Benchmark
    public Object stageCompleted() {
        Object token = registry.enter(stage, args);
        registry.exit(stage, token, completed, null);
        return token;
    }

    @Benchmark
    public Object stagePending(Blackhole hole) {
        Object token = registry.enter(stage, args);
        CompletableFuture<String> later = new CompletableFuture<>();
        registry.exit(stage, token, later, null);
        later.complete("session");
        hole.consume(later);
        return token;
    }

    @Benchmark
    public Object subscription() {
        Object owner = new Object();
        Object call = registry.subscribe(mono, args, owner);
        registry.settle(call, "session", null);
        return owner;
    }
}
