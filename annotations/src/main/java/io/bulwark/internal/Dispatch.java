package io.bulwark.internal;

import io.bulwark.monitoring.BulwarkStatus;

/**
 * The bridge woven code calls: one copy in the JVM (the agent defines the API in the bootstrap class loader), so
 * classes of every class loader reach the same runtime. Not API.
 */
public final class Dispatch {

    // Set once by the agent before it weaves anything, so woven code never finds it empty. A volatile read
    // is a plain load on x86 and AArch64 keeps it an ldar: cheaper than anything a lazy holder would add.
    private static volatile GuardRuntime runtime;

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
