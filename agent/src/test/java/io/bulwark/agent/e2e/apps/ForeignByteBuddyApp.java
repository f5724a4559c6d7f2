package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/** An application that bundles and uses its own Byte Buddy, of another version than the agent's. */
public class ForeignByteBuddyApp {

    @RateLimited(name = "guarded", limit = 1, window = "1m")
    static String guarded() {
        return "ok";
    }

    public static void main(String[] args) throws Exception {
        Class<?> made = new ByteBuddy().subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by the app's Byte Buddy"))
                .make().load(ForeignByteBuddyApp.class.getClassLoader()).getLoaded();
        System.out.println("made=" + made.getDeclaredConstructor().newInstance());
        System.out.println("byteBuddyJar=" + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("apiLoader=" + RateLimited.class.getClassLoader());
        System.out.println("runtimeVisible=" + visible("io.bulwark.runtime.BulwarkRuntime"));
        System.out.println("agentAsmVisible=" + visible("io.bulwark.shaded.org.objectweb.asm.ClassReader"));
        System.out.println("jdkInternalsExported=" + Object.class.getModule().isExported("jdk.internal.misc",
                ForeignByteBuddyApp.class.getModule()));
        Probe.calls("guarded", 2, ForeignByteBuddyApp::guarded);
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, ForeignByteBuddyApp.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
