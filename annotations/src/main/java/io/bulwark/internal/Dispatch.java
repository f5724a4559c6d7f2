package io.bulwark.internal;

import io.bulwark.monitoring.BulwarkStatus;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Supplier;

/**
 * The bridge woven code calls: one copy in the JVM (the agent defines the API in the bootstrap class loader), so
 * classes of every class loader reach the same runtime. Not API.
 */
public final class Dispatch {

    // Set once by the agent before it weaves anything, so woven code never finds it empty. A volatile read
    // is a plain load on x86 and AArch64 keeps it an ldar: cheaper than anything a lazy holder would add.
    private static volatile GuardRuntime runtime;
    private static volatile ReactiveLinker reactive;
    /**
     * The mark of the call that runs a Mono/Flux method's body ({@link #body}): the guard id + 1, or 0. Private, so
     * that only {@link #body}, given a call the runtime admitted, can set it. int[] rather than Integer: one small
     * array per thread that ever subscribes, no boxing on each call.
     */
    private static final ThreadLocal<int[]> BODY_NEXT = new ThreadLocal<>();

    private Dispatch() {
    }

    /**
     * Installs the runtime; the first call wins and later calls are refused, so that nothing in the
     * application can swap the guards out.
     *
     * @return whether {@code guards} was installed
     */
    public static synchronized boolean install(GuardRuntime guards) {
        if (runtime != null || guards == null) {
            return false;
        }
        runtime = guards;
        return true;
    }

    /** Installs what links woven {@code Mono}/{@code Flux} methods to the Reactor helper; the first call wins. */
    public static synchronized boolean install(ReactiveLinker linker) {
        if (reactive != null || linker == null) {
            return false;
        }
        reactive = linker;
        return true;
    }

    public static boolean installed() {
        return runtime != null;
    }

    public static Object enter(int guard, Object[] args) {
        GuardRuntime guards = runtime;
        if (guards == null) {
            throw new IllegalStateException("Bulwark: woven code ran before the agent installed its runtime");
        }
        return guards.enter(guard, args);
    }

    /**
     * {@link #enter} for a method returning a {@code CompletionStage}: a refusal (or any failure to apply the guards)
     * is returned rather than thrown, so that the woven code can return it as a failed stage.
     *
     * @return the token, or the {@code RuntimeException} that refused the call
     */
    public static Object enterStage(int guard, Object[] args) {
        try {
            return enter(guard, args);
        } catch (RuntimeException refused) {
            return refused;
        }
    }

    /**
     * Applies the guards of a {@code Mono}/{@code Flux} method as a subscription starts (Bulwark's Reactor helper calls
     * this). The handle returned runs the body once ({@link #body}) and is settled once ({@link #settle},
     * {@link #cancel}); should {@code owner} become unreachable before either, the call is settled as abandoned.
     *
     * @throws io.bulwark.BulwarkException when the call is refused
     */
    public static Object subscribe(int guard, Object[] args, Object owner) {
        GuardRuntime guards = runtime;
        if (guards == null) {
            throw new IllegalStateException("Bulwark: woven code ran before the agent installed its runtime");
        }
        return guards.subscribe(guard, args, owner);
    }

    /**
     * Runs the body of the call {@link #subscribe} admitted, at most once: returns the publisher it builds.
     *
     * <p>The woven Mono/Flux method, called, does not run its body: it returns a publisher that, at each subscription,
     * applies the guards and then calls the method again, non-virtually ({@code body}), to get the publisher its body
     * builds. That second call must run the body, and only that call: the thread is marked with the method's guard id
     * just before, and the woven code ({@link #deferring}) takes the mark off as it runs the body. Only a call the
     * runtime admitted gets the mark, so the application cannot reach a body without its guards.
     */
    public static Object body(Object call, Supplier<?> body) {
        int guard = runtime.admitBody(call);
        int[] next = BODY_NEXT.get();
        if (next == null) {
            next = new int[1];
            BODY_NEXT.set(next);
        }
        next[0] = guard + 1;
        try {
            return body.get();
        } finally {
            // Taken off by the woven code when it runs; cleared here whatever happened before it got there.
            next[0] = 0;
        }
    }

    /** The call {@link #subscribe} admitted ended: {@code result} is a {@code Mono}'s value, else null. Never throws. */
    public static void settle(Object call, Object result, Throwable thrown) {
        GuardRuntime guards = runtime;
        if (guards != null && call != null) {
            guards.settle(call, result, thrown);
        }
    }

    /** The subscriber cancelled the call {@link #subscribe} admitted before it ended. Never throws. */
    public static void cancel(Object call) {
        GuardRuntime guards = runtime;
        if (guards != null && call != null) {
            guards.cancel(call);
        }
    }

    /**
     * Whether a call of guard {@code guard}'s {@code Mono}/{@code Flux} method must return its deferred publisher
     * (true), or is the call {@link #body} made at subscription and runs its body (false).
     */
    public static boolean deferring(int guard) {
        int[] next = BODY_NEXT.get();
        if (next != null && next[0] == guard + 1) {
            next[0] = 0;
            return false;
        }
        return true;
    }

    /**
     * The bootstrap method of the {@code invokedynamic} in woven {@code Mono}/{@code Flux} methods. Where the helper
     * cannot be linked (the linker logs why), the call site refuses every call, at the call: the method never runs
     * unguarded.
     */
    public static CallSite linkReactive(MethodHandles.Lookup caller, String name, MethodType type) {
        MethodHandle target;
        try {
            ReactiveLinker linker = reactive;
            if (linker == null) {
                throw new IllegalStateException("the agent installed no Reactor support");
            }
            target = linker.link(caller, name, type);
        } catch (Exception | LinkageError e) {
            // The message may reach a client: where to look, not what went wrong.
            RuntimeException refusal = new io.bulwark.GuardUnavailableException(caller.lookupClass().getName(),
                    "its Reactor support could not be set up (the Bulwark log says why)");
            target = MethodHandles.dropArguments(MethodHandles.throwException(type.returnType(),
                    RuntimeException.class).bindTo(refusal), 0, type.parameterList());
        }
        return new ConstantCallSite(target);
    }

    public static boolean reset(String policy, String renderedKey) {
        GuardRuntime guards = runtime;
        if (guards == null) {
            throw new IllegalStateException("the Bulwark agent is not running in this JVM: there is no state to reset");
        }
        return guards.reset(policy, renderedKey);
    }

    public static TwoFactorOperations twoFactor() {
        GuardRuntime guards = runtime;
        if (guards == null) {
            throw new IllegalStateException("the Bulwark agent is not running in this JVM: there are no second "
                    + "factors");
        }
        return guards.twoFactor();
    }

    public static BulwarkStatus status() {
        GuardRuntime guards = runtime;
        return guards == null ? BulwarkStatus.inactive() : guards.status();
    }

    public static void exit(int guard, Object token, Object result, Throwable thrown) {
        GuardRuntime guards = runtime;
        if (guards != null) {
            guards.exit(guard, token, result, thrown);
        }
    }
}
