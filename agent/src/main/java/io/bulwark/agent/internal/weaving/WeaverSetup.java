package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.named;

import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;

/** Byte Buddy's side of the weaving, built on the setup thread (see {@link Weaver}). */
final class WeaverSetup {

    private static final int BATCH = 50;

    private WeaverSetup() {
    }

    static ClassFileTransformer build(Settings settings, GuardRegistry guards, Instrumentation instrumentation) {
        // Guards are inlined advice and need no Nexus (Byte Buddy's loaded-type initializer hook). Without this,
        // Byte Buddy probes class injection through sun.misc.Unsafe, which JDK 24+ warns about on every start
        // (JEP 471/498). Relocation made the property ours: the application's own Byte Buddy is unaffected.
        System.setProperty(Nexus.PROPERTY, "true");
        AdviceWeaver weaver = new AdviceWeaver(new GuardTransformer(guards, settings.requireWoven()), instrumentation,
                settings.scanAnnotations(), settings.requireWoven());
        warmUp();
        return weaver;
    }

    /**
     * Weaves advice into a class of the agent's own and throws the result away: the few hundred classes weaving
     * needs are loaded here, on the setup thread, rather than by the first guarded class the application loads.
     */
    private static void warmUp() {
        ClassFileLocator locator = new ClassFileLocator.Compound(GuardTransformer.AGENT_CLASSES,
                ClassFileLocator.ForClassLoader.ofSystemLoader());
        TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
        TypeDescription type = pool.describe(WarmUp.class.getName()).resolve();
        new ByteBuddy().with(TypeValidation.DISABLED).decorate(type, locator)
                .visit(GuardTransformer.advice(new Registration(0, true, true, true)).on(named("run")))
                .make(pool).getBytes();
    }

    /** Retransforms {@code candidates}, loaded before premain, through the gate (open by now). */
    static void retransform(Instrumentation instrumentation, List<Class<?>> candidates) {
        for (int i = 0; i < candidates.size(); i += BATCH) {
            List<Class<?>> batch = candidates.subList(i, Math.min(candidates.size(), i + BATCH));
            try {
                instrumentation.retransformClasses(batch.toArray(Class<?>[]::new));
            } catch (Exception | LinkageError e) {
                for (Class<?> type : batch) {
                    try {
                        instrumentation.retransformClasses(type);
                    } catch (Exception | LinkageError single) {
                        Log.error("could not retransform " + type.getName() + ", loaded before the agent: if it "
                                + "declares guarded methods, they run UNGUARDED (" + single + ")");
                    }
                }
            }
        }
        Log.debug("retransformed " + candidates.size() + " classes loaded before the agent");
    }
}
