package io.bulwark.agent.e2e.apps;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * An agent that makes the JDK calls Bulwark's premain makes and nothing else (PremainClassLoadIT): it opens a package
 * of {@code java.base} to itself, registers a transformer that transforms nothing and lists the loaded classes. What
 * the JDK spins for those calls is the JDK's, and is the baseline Bulwark is compared with.
 */
public final class ReferenceAgent {

    private ReferenceAgent() {
    }

    public static void premain(String argument, Instrumentation instrumentation) {
        Module self = ReferenceAgent.class.getModule();
        instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                Map.of("jdk.internal.misc", Set.of(self), "jdk.internal.module", Set.of(self)), Map.of(), Set.of(),
                Map.of());
        instrumentation.addTransformer(new ClassFileTransformer() { }, true);
        instrumentation.getAllLoadedClasses();
    }
}
