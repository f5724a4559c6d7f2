package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;
import io.bulwark.TwoFactor;
import io.bulwark.internal.Dispatch;
import io.bulwark.internal.GuardRuntime;
import io.bulwark.internal.TwoFactorOperations;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;

/**
 * An application that tries to switch its guards off from inside the JVM: replace the dispatch bridge's runtime with
 * one that admits everything, by reflection, by a private lookup, by {@code sun.misc.Unsafe}, and reach the two-factor
 * engine behind {@link TwoFactor}. Prints what each attempt came to, then calls a guarded method twice (limit 1).
 */
public class TamperApp {

    @RateLimited(name = "tamper", limit = 1, window = "1h")
    static String guarded() {
        return "ok";
    }

    public static void main(String[] args) throws Exception {
        GuardRuntime open = (GuardRuntime) Proxy.newProxyInstance(TamperApp.class.getClassLoader(),
                new Class<?>[] {GuardRuntime.class}, (proxy, method, arguments) -> null);
        System.out.println("apiModule=" + Dispatch.class.getModule().getName());
        for (Field field : fields()) {
            System.out.println("setAccessible." + field.getName() + "=" + attempt(() -> {
                field.setAccessible(true);
                field.set(null, open);
            }));
            System.out.println("privateLookup." + field.getName() + "=" + attempt(() -> {
                MethodHandles.privateLookupIn(field.getDeclaringClass(), MethodHandles.lookup())
                        .findStaticVarHandle(field.getDeclaringClass(), field.getName(), field.getType()).set(open);
            }));
            System.out.println("unsafe." + field.getName() + "=" + attempt(() -> {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field theUnsafe = type.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                Object unsafe = theUnsafe.get(null);
                Object base = invoke(type, unsafe, "staticFieldBase", Field.class, field);
                long offset = (Long) invoke(type, unsafe, "staticFieldOffset", Field.class, field);
                type.getMethod("putObject", Object.class, long.class, Object.class).invoke(unsafe, base, offset, open);
            }));
        }
        TwoFactorOperations ops = Dispatch.twoFactor();
        Field engine = ops.getClass().getDeclaredFields()[0];
        System.out.println("twoFactorEngine=" + attempt(() -> {
            engine.setAccessible(true);
            System.out.println("engineClass=" + engine.get(ops).getClass().getName());
        }));
        Probe.calls("guarded", 2, TamperApp::guarded);
    }

    /** Every static field of the bridge and of its nested classes that could hold the runtime. */
    private static java.util.List<Field> fields() {
        java.util.List<Field> found = new java.util.ArrayList<>();
        java.util.List<Class<?>> types = new java.util.ArrayList<>(java.util.List.of(Dispatch.class));
        types.addAll(java.util.List.of(Dispatch.class.getDeclaredClasses()));
        for (Class<?> type : types) {
            for (Field f : type.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == GuardRuntime.class) {
                    found.add(f);
                }
            }
        }
        System.out.println("runtimeFields=" + found.size());
        return found;
    }

    private static Object invoke(Class<?> type, Object target, String name, Class<?> parameter, Object argument)
            throws Throwable {
        try {
            return type.getMethod(name, parameter).invoke(target, argument);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    interface Attempt {
        void run() throws Throwable;
    }

    /** {@code DONE}, or the type of what refused it. */
    private static String attempt(Attempt attempt) {
        try {
            attempt.run();
            return "DONE";
        } catch (Throwable t) {
            return "REFUSED " + t.getClass().getSimpleName();
        }
    }
}
