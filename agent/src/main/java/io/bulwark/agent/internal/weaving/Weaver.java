package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;

import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

/** Installs the class file transformer that weaves guards into annotated methods. */
public final class Weaver {

    private Weaver() {
    }

    public static void install(Instrumentation instrumentation, Settings settings, GuardRegistry guards) {
        // Guards are inlined advice and need no Nexus (Byte Buddy's loaded-type initializer hook). Without this,
        // constructing the AgentBuilder probes class injection through sun.misc.Unsafe, which JDK 24+ warns
        // about on every start (JEP 471/498). Relocation made the property ours: the application's own Byte
        // Buddy, if any, is unaffected.
        System.setProperty(Nexus.PROPERTY, "true");
        ScanFilter filter = new ScanFilter(settings.scanPackages(), settings.scanAnnotations());
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                // Advice is inlined into existing methods: no field, method or class is added, so the same
                // transformation serves classes being loaded and classes already loaded (retransformed).
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                // Decorating visits the class without building its method graph, which we do not need.
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // Describe classes from their class files, also classes already loaded: describing a loaded class
                // through reflection would resolve (load) every annotation type on its methods. POOL_ONLY, not
                // POOL_FIRST: POOL_FIRST asks whether the pool resolves each class, which parses every class loaded.
                .with(ParseLog.create())
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new WeaveListener());
        if (settings.requireWoven()) {
            builder = builder.with(new RequireWoven());
        }
        builder
                // The JDK's loaders never define application classes.
                .ignore(any(), isBootstrapClassLoader().or(isExtensionClassLoader()))
                .or(filter.ignored())
                .type(filter.selected())
                .transform(new GuardTransformer(guards, settings.requireWoven()))
                .installOn(instrumentation);
    }
}
