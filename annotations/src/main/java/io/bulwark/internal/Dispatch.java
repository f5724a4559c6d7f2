package io.bulwark.internal;

import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import java.util.List;

/**
 * The bridge woven code calls: one copy in the JVM (the agent defines the API in the bootstrap class loader), so
 * classes of every class loader reach the same runtime. Not API.
 *
 * <p>Nothing in the application may swap the guards out (DESIGN §10), so the runtime is kept where Java's ways of
 * reaching a private field all fail:
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

    public static boolean reset(String policy, String renderedKey) {
        return runtime("there is no state to reset").reset(policy, renderedKey);
    }

    public static TwoFactorOperations twoFactor() {
        return new TwoFactorBridge(runtime("there are no second factors").twoFactor());
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
