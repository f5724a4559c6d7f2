package io.bulwark.internal;

import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitCounts;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bridge woven code calls: one copy in the JVM (the agent defines the API in the bootstrap class loader), so
 * classes of every class loader reach the same runtime. Not API.
 *
 * <p>Nothing in the application may swap the guards out (architecture.md §7), so the runtime is kept where Java's ways
 * of reaching a private field all fail:
 * <ul>
 *   <li>The agent defines this package in a named module of the bootstrap loader, {@code io.bulwark}, that exports
 *   it and opens nothing ({@code BootstrapApi}): {@code Field.setAccessible} and
 *   {@code MethodHandles.privateLookupIn} are refused to every other module.</li>
 *   <li>The field is {@code static final} in a record: a final static field cannot be set by reflection or method
 *   handles, even by the JDK's own trusted lookup (it is a "trusted final"), and {@code sun.misc.Unsafe} refuses to
 *   give the offset of any field of a record.</li>
 *   <li>Nothing returned to the application holds the runtime in a field it could read: {@link #twoFactor()} hands out
 *   a record of this package.</li>
 * </ul>
 * What is left is raw memory: code that gets hold of {@code jdk.internal.misc.Unsafe} (e.g. through
 * {@code sun.misc.Unsafe} reading the JDK's private trusted lookup) can write any word of the heap, including
 * compiled code, and no Java-level check holds against that.
 */
public final class Dispatch {

    private Dispatch() {
    }

    /** What {@link #install} hands over to {@link Installed}'s initializer, and whether it was taken. */
    private record Handover() {
        private static GuardRuntime pending;
        private static volatile boolean installed;
        private static ReactiveLinker pendingLinker;
        private static volatile boolean linkerInstalled;
    }

    /**
     * The runtime, fixed once. Initialized by the first {@link #install} (premain, before anything is woven), or
     * empty for good when something asked for it first (an application running without the agent).
     */
    private record Installed() {
        private static final GuardRuntime RUNTIME = take();

        private static GuardRuntime take() {
            GuardRuntime guards = Handover.pending;
            Handover.pending = null;
            return guards;
        }
    }

    /** The Reactor linker, fixed once like the runtime (the agent installs it in premain, before weaving). */
    private record Linker() {
        private static final ReactiveLinker LINKER = take();

        private static ReactiveLinker take() {
            ReactiveLinker linker = Handover.pendingLinker;
            Handover.pendingLinker = null;
            return linker;
        }
    }

    /**
     * The mark of the call that runs a Mono/Flux method's body ({@link #body}): the guard id + 1, or 0. Only
     * {@link #body}, given a call the runtime admitted, sets it; in a record for the reason the runtime is. int[]
     * rather than Integer: one small array per thread that ever subscribes, no boxing on each call.
     */
    private record BodyMark() {
        private static final ThreadLocal<int[]> NEXT = new ThreadLocal<>();
    }

    /** {@link TwoFactor}'s operations, in a record so that the engine behind them is not reachable either. */
    private record TwoFactorBridge(TwoFactorOperations engine) implements TwoFactorOperations {
        @Override
        public TwoFactorEnrollment enroll(String user, String account) {
            return engine.enroll(user, account);
        }

        @Override
        public List<String> confirm(String user, String code) {
            return engine.confirm(user, code);
        }

        @Override
        public List<String> newRecoveryCodes(String user) {
            return engine.newRecoveryCodes(user);
        }

        @Override
        public boolean disable(String user) {
            return engine.disable(user);
        }

        @Override
        public boolean unlock(String user) {
            return engine.unlock(user);
        }

        @Override
        public TwoFactor.Status status(String user) {
            return engine.status(user);
        }

        @Override
        public String toString() {
            return "TwoFactor";
        }
    }

    /**
     * Installs the runtime; the first call wins and later calls are refused, so that nothing in the application can
     * swap the guards out. Refused too once anything has asked this bridge for the runtime before it was installed.
     *
     * @return whether {@code guards} was installed
     */
    public static synchronized boolean install(GuardRuntime guards) {
        if (Handover.installed || guards == null) {
            return false;
        }
        Handover.pending = guards;
        boolean taken = Installed.RUNTIME == guards;
        Handover.pending = null;
        Handover.installed = taken;
        return taken;
    }

    /** Installs what links woven {@code Mono}/{@code Flux} methods to the Reactor helper; the first call wins. */
    public static synchronized boolean install(ReactiveLinker linker) {
        if (Handover.linkerInstalled || linker == null) {
            return false;
        }
        Handover.pendingLinker = linker;
        boolean taken = Linker.LINKER == linker;
        Handover.pendingLinker = null;
        Handover.linkerInstalled = taken;
        return taken;
    }

    public static boolean installed() {
        return Handover.installed;
    }

    public static Object enter(int guard, Object[] args) {
        // A constant to the JIT once compiled: the call below binds to the one runtime's method directly.
        GuardRuntime guards = Installed.RUNTIME;
        if (guards == null) {
            throw new IllegalStateException("Bulwark: woven code ran before the agent installed its runtime");
        }
        return guards.enter(guard, args);
    }

    /** See {@link GuardRuntime#enterArgument}: {@link #enter} given the one argument the guards read. */
    public static Object enterArgument(int guard, Object argument) {
        GuardRuntime guards = Installed.RUNTIME;
        if (guards == null) {
            throw new IllegalStateException("Bulwark: woven code ran before the agent installed its runtime");
        }
        return guards.enterArgument(guard, argument);
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
        GuardRuntime guards = Installed.RUNTIME;
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
        int guard = Installed.RUNTIME.admitBody(call);
        int[] next = BodyMark.NEXT.get();
        if (next == null) {
            next = new int[1];
            BodyMark.NEXT.set(next);
        }
        next[0] = guard + 1;
        try {
            return body.get();
        } finally {
            // Taken off by the woven code when it runs; cleared here whatever happened before it got there.
            next[0] = 0;
        }
    }

    /**
     * The call {@link #subscribe} admitted ended: {@code result} is a {@code Mono}'s value, else null. Never throws.
     */
    public static void settle(Object call, Object result, Throwable thrown) {
        GuardRuntime guards = Installed.RUNTIME;
        if (guards != null && call != null) {
            guards.settle(call, result, thrown);
        }
    }

    /** The subscriber cancelled the call {@link #subscribe} admitted before it ended. Never throws. */
    public static void cancel(Object call) {
        GuardRuntime guards = Installed.RUNTIME;
        if (guards != null && call != null) {
            guards.cancel(call);
        }
    }

    /**
     * Whether a call of guard {@code guard}'s {@code Mono}/{@code Flux} method must return its deferred publisher
     * (true), or is the call {@link #body} made at subscription and runs its body (false).
     */
    public static boolean deferring(int guard) {
        int[] next = BodyMark.NEXT.get();
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
            ReactiveLinker linker = Linker.LINKER;
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
        return runtime("there is no state to reset").reset(policy, renderedKey);
    }

    public static TwoFactorOperations twoFactor() {
        return new TwoFactorBridge(runtime("there are no second factors").twoFactor());
    }

    public static BulwarkStatus status() {
        return Handover.installed ? Installed.RUNTIME.status() : BulwarkStatus.inactive();
    }

    public static List<RateLimitCounts> rateLimitCounts() {
        return Handover.installed ? Installed.RUNTIME.rateLimitCounts() : List.of();
    }

    public static RateLimitCounts rateLimitCounts(String policy) {
        return Handover.installed ? Installed.RUNTIME.rateLimitCounts(policy) : null;
    }

    public static void exit(int guard, Object token, Object result, Throwable thrown) {
        GuardRuntime guards = Installed.RUNTIME;
        if (guards != null) {
            guards.exit(guard, token, result, thrown);
        }
    }

    private static GuardRuntime runtime(String otherwise) {
        // Not Installed.RUNTIME before install: asking would fix it empty, and a test JVM installs late.
        if (!Handover.installed) {
            throw new IllegalStateException("the Bulwark agent is not running in this JVM: " + otherwise);
        }
        return Installed.RUNTIME;
    }
}
