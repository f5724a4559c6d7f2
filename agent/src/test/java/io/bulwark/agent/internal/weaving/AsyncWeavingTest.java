package io.bulwark.agent.internal.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.LockedOutException;
import io.bulwark.internal.Dispatch;
import io.bulwark.rules.AsyncReturns;
import io.bulwark.runtime.guard.Registration;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The woven code of asynchronous methods, on a fixture defined by a loader of its own (so the verifier checks every
 * frame): a refused stage method returns a failed stage, an admitted one hands its stage to exit; a Mono/Flux method
 * runs nothing when called, and its body once per subscription, with the dispatch bridge seeing each subscription.
 * The Reactor helper is stood in for by {@link #mono}/{@link #flux}, linked the way the agent links its own.
 */
class AsyncWeavingTest {

    private static final List<String> CALLS = GuardWeavingTest.calls();
    private static final CallRecorder RECORDER = GuardWeavingTest.recorder();

    @BeforeAll
    static void install() {
        assertTrue(Dispatch.install(RECORDER) || Dispatch.installed());
        Dispatch.install((caller, name, type) -> MethodHandles.lookup().findStatic(AsyncWeavingTest.class, name,
                MethodType.methodType(type.returnType(), int.class, Object[].class, Supplier.class)));
    }

    @BeforeEach
    void clear() {
        synchronized (CALLS) {
            CALLS.clear();
        }
        RECORDER.refuseWith(null);
        AsyncFixture.bodies = 0;
    }

    /** The helper's stand-in: what it does at subscription, without settling. */
    public static Mono<Object> mono(int guard, Object[] args, Supplier<?> body) {
        return Mono.defer(() -> {
            Object call = Dispatch.subscribe(guard, args, new Object());
            @SuppressWarnings("unchecked")
            Mono<Object> built = (Mono<Object>) Dispatch.body(call, body);
            return built;
        });
    }

    public static Flux<Object> flux(int guard, Object[] args, Supplier<?> body) {
        return Flux.defer(() -> {
            Object call = Dispatch.subscribe(guard, args, new Object());
            @SuppressWarnings("unchecked")
            Flux<Object> built = (Flux<Object>) Dispatch.body(call, body);
            return built;
        });
    }

    private static Class<?> woven() throws Exception {
        byte[] bytes;
        try (InputStream in = AsyncFixture.class.getResourceAsStream("AsyncFixture.class")) {
            bytes = in.readAllBytes();
        }
        ClassFile file = ClassFile.read(AsyncFixture.class.getName(), bytes, true);
        Map<String, GuardWeaving.Plan> plans = new HashMap<>();
        int id = 70;
        for (ClassFile.MethodInfo m : file.methods.values()) {
            if (m.name.startsWith("<")) {
                continue;
            }
            String returned = m.descriptor.substring(m.descriptor.indexOf(')') + 1);
            AsyncReturns.Shape shape = returned.contains("Mono") ? AsyncReturns.Shape.MONO
                    : returned.contains("Flux") ? AsyncReturns.Shape.FLUX : AsyncReturns.Shape.STAGE;
            plans.put(m.key(), new GuardWeaving.Plan(new Registration(id++, true, true, true), m.maxLocals, shape));
        }
        byte[] result = GuardWeaving.weave(bytes, plans);
        return new ClassLoader(AsyncWeavingTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(AsyncFixture.class.getName(), result, 0, result.length);
            }
        }.define();
    }

    private static Object call(Class<?> type, Object target, String name, Object... args) throws Throwable {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    private static int bodies(Class<?> type) throws Exception {
        return type.getField("bodies").getInt(null);
    }

    private static List<String> calls() {
        synchronized (CALLS) {
            return new ArrayList<>(CALLS);
        }
    }

    @Test
    void aMonoMethodRunsItsBodyOncePerSubscriptionAndNeverWhenCalled() throws Throwable {
        Class<?> type = woven();
        Object fixture = type.getConstructor(String.class).newInstance("p-");
        Mono<?> wide = (Mono<?>) call(type, fixture, "wide", "a", 7L, 2.5, 3);
        Mono<?> countdown = (Mono<?>) call(type, null, "countdown", 4);
        Flux<?> letters = (Flux<?>) call(type, fixture, "letters", "abc");
        assertEquals(0, bodies(type), "calling builds a publisher, nothing else");
        assertEquals(List.of(), calls());
        assertEquals("p-a72.53", wide.block(Duration.ofSeconds(5)));
        assertEquals("p-a72.53", wide.block(Duration.ofSeconds(5)));
        assertEquals(0, countdown.block(Duration.ofSeconds(5)));
        assertEquals(List.of("a", "b", "c"), letters.collectList().block(Duration.ofSeconds(5)));
        assertEquals(4, bodies(type));
        List<String> calls = calls();
        assertEquals(4, calls.size(), calls.toString());
        assertTrue(calls.get(0).matches("subscribe \\d+ \\[a, 7, 2.5, 3]"), calls.toString());
        assertTrue(calls.get(2).matches("subscribe \\d+ \\[4]"), calls.toString());
    }

    @Test
    void aRefusedSubscriptionIsAnErrorSignalAndRunsNoBody() throws Throwable {
        Class<?> type = woven();
        LockedOutException locked = new LockedOutException("login", 5, Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofMinutes(15));
        RECORDER.refuseWith(locked);
        Mono<?> countdown = (Mono<?>) call(type, null, "countdown", 4);
        String outcome = countdown.map(v -> "VALUE " + v).onErrorResume(e -> Mono.just("ERROR same=" + (e == locked)))
                .block(Duration.ofSeconds(5));
        assertEquals("ERROR same=true", outcome, "the refusal itself, as the error signal");
        assertEquals(0, bodies(type));
    }

    @Test
    void aStageMethodHandsItsStageToExitAndReturnsARefusalAsAFailedStage() throws Throwable {
        Class<?> type = woven();
        Object fixture = type.getConstructor(String.class).newInstance("p-");
        CompletableFuture<?> stage = (CompletableFuture<?>) call(type, fixture, "stage", "x", 9L);
        assertEquals("p-x9", stage.join());
        CompletionStage<?> counted = (CompletionStage<?>) call(type, null, "stageCountdown", 3);
        assertEquals(0, counted.toCompletableFuture().join());
        List<String> calls = calls();
        assertTrue(calls.get(1).matches("exit \\d+ token\\d+ result=CompletableFuture:.* thrown=null"),
                calls.toString());

        LockedOutException locked = new LockedOutException("login", 5, Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofMinutes(15));
        RECORDER.refuseWith(locked);
        CompletableFuture<?> refused = (CompletableFuture<?>) call(type, fixture, "stage", "x", 9L);
        assertTrue(refused.isCompletedExceptionally());
        Throwable cause = refused.handle((v, e) -> e).join();
        assertSame(locked, assertInstanceOf(LockedOutException.class, cause));
        CompletionStage<?> refusedStatic = (CompletionStage<?>) call(type, null, "stageCountdown", 3);
        assertTrue(refusedStatic.toCompletableFuture().isCompletedExceptionally());
    }
}
