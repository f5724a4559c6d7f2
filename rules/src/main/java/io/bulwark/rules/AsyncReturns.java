package io.bulwark.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How a guarded method delivers its outcome, read from its declared return type: the same rule for the processor (on
 * the source) and the agent (on the class file). A method returning a {@code CompletionStage} or a Reactor
 * {@code Mono}/{@code Flux} is settled when the result completes; any other type that delivers its outcome later
 * (a {@code Future}, RxJava, a Kotlin {@code suspend} function, ...) cannot be followed, so guards that need the
 * outcome ({@code count = FAILURES}, {@code @Audited}) are refused on it rather than counted wrongly. Not API.
 */
public final class AsyncReturns {

    /** What the weaving does with the method's result. */
    public enum Shape {
        /** Settled when the method returns or throws. */
        PLAIN,
        /** Exactly {@code CompletionStage} or {@code CompletableFuture}: settled when the stage completes. */
        STAGE,
        /** Exactly Reactor's {@code Mono}: guarded at each subscription, settled at its signal. */
        MONO,
        /** Exactly Reactor's {@code Flux}: guarded at each subscription, settled at its signal. */
        FLUX,
        /** Delivers its outcome later in a way Bulwark does not follow. */
        UNSUPPORTED
    }

    public static final String COMPLETION_STAGE = "java.util.concurrent.CompletionStage";
    public static final String COMPLETABLE_FUTURE = "java.util.concurrent.CompletableFuture";
    public static final String MONO = "reactor.core.publisher.Mono";
    public static final String FLUX = "reactor.core.publisher.Flux";
    /** The hidden last parameter of a Kotlin {@code suspend} function. */
    public static final String CONTINUATION = "kotlin.coroutines.Continuation";

    /** Types, and the roots of type families, whose values complete after the method returned. */
    private static final Set<String> ASYNC = Set.of(
            "java.util.concurrent.Future", "java.util.concurrent.CompletionStage",
            "java.util.concurrent.Flow$Publisher", "org.reactivestreams.Publisher",
            "reactor.core.publisher.Mono", "reactor.core.publisher.Flux",
            "io.smallrye.mutiny.Uni", "io.smallrye.mutiny.Multi",
            "kotlinx.coroutines.Deferred", "kotlinx.coroutines.Job", "kotlinx.coroutines.flow.Flow",
            "io.vertx.core.Future", "com.google.common.util.concurrent.ListenableFuture",
            "org.springframework.util.concurrent.ListenableFuture",
            "rx.Observable", "rx.Single", "rx.Completable");
    /** Packages whose public types are all asynchronous results (RxJava 2 and 3). */
    private static final List<String> ASYNC_PACKAGES = List.of("io.reactivex.");
    /** JDK types that are asynchronous results, beside the roots above: the JDK's classes are not walked. */
    private static final Set<String> JDK_ASYNC = Set.of(
            "java.util.concurrent.RunnableFuture", "java.util.concurrent.ScheduledFuture",
            "java.util.concurrent.RunnableScheduledFuture", "java.util.concurrent.FutureTask",
            "java.util.concurrent.ForkJoinTask", "java.util.concurrent.RecursiveTask",
            "java.util.concurrent.RecursiveAction", "java.util.concurrent.CountedCompleter");

    private AsyncReturns() {
    }

    /**
     * @param returnType    the declared return type's binary name ({@code java.lang.String}, {@code int}, {@code void})
     * @param lastParameter the last parameter's binary name, or null when there is none
     * @param supertypes    the direct supertypes of a type, as far as they are known (empty when not): asked only for
     *                      types outside {@code java.*}, so that a subclass of {@code CompletableFuture} or of
     *                      {@code Mono} is recognised
     */
    public static Shape of(String returnType, String lastParameter, Function<String, List<String>> supertypes) {
        if (CONTINUATION.equals(lastParameter)) {
            return Shape.UNSUPPORTED;
        }
        switch (returnType) {
            case COMPLETION_STAGE, COMPLETABLE_FUTURE -> {
                return Shape.STAGE;
            }
            case MONO -> {
                return Shape.MONO;
            }
            case FLUX -> {
                return Shape.FLUX;
            }
            default -> {
            }
        }
        if (asyncName(returnType)) {
            return Shape.UNSUPPORTED;
        }
        if (returnType.indexOf('.') < 0 || returnType.startsWith("[") || returnType.startsWith("java.")) {
            return Shape.PLAIN;
        }
        Deque<String> pending = new ArrayDeque<>(supertypes.apply(returnType));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String type = pending.pop();
            if (!seen.add(type)) {
                continue;
            }
            if (asyncName(type) || COMPLETABLE_FUTURE.equals(type)) {
                return Shape.UNSUPPORTED;
            }
            if (!type.startsWith("java.")) {
                pending.addAll(supertypes.apply(type));
            }
        }
        return Shape.PLAIN;
    }

    private static boolean asyncName(String type) {
        if (ASYNC.contains(type) || JDK_ASYNC.contains(type)) {
            return true;
        }
        for (String prefix : ASYNC_PACKAGES) {
            if (type.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why guards that need the call's outcome cannot be applied to a method of this shape, or null when they can.
     *
     * @param returnType     the declared return type's binary name, for the message
     * @param suspend        whether the method is a Kotlin {@code suspend} function
     * @param countsFailures whether a {@code @RateLimited} of the method has {@code count = FAILURES}
     */
    public static String problem(Shape shape, String returnType, boolean suspend, boolean countsFailures,
            boolean audited) {
        if (shape != Shape.UNSUPPORTED || !countsFailures && !audited) {
            return null;
        }
        String guards = countsFailures && audited ? "@Audited and count = FAILURES need"
                : audited ? "@Audited needs" : "count = FAILURES needs";
        String method = suspend ? "is a Kotlin suspend function" : "returns " + returnType.replace('$', '.');
        return Message.ASYNC_OUTCOME_UNSEEN.format(guards, method);
    }
}
