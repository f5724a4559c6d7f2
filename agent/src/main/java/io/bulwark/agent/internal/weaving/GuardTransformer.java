package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.internal.key.Parameter;
import io.bulwark.runtime.log.Log;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Registers each guarded method of a class with the runtime and weaves the advice its guards need: arguments
 * passed only when a key reads them, an exit hook only when something settles after the call.
 */
final class GuardTransformer implements AgentBuilder.Transformer {

    private static final ClassFileLocator AGENT_CLASSES = ClassFileLocator.ForClassLoader.of(
            GuardTransformer.class.getClassLoader());
    private static final TypeDescription ENTER_WITH_ARGUMENTS = describe(EnterWithArguments.class);
    private static final TypeDescription ENTER_WITHOUT_ARGUMENTS = describe(EnterWithoutArguments.class);
    private static final TypeDescription SETTLE = describe(Settle.class);

    private final GuardRegistry guards;

    GuardTransformer(GuardRegistry guards) {
        this.guards = guards;
    }

    private static TypeDescription describe(Class<?> advice) {
        return TypeDescription.ForLoadedType.of(advice);
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
            JavaModule module, ProtectionDomain domain) {
        // The scan matched with a pool that skips code and debug info, which is what keeps it cheap for the
        // thousands of unguarded classes. Only here, for a guarded class, is the class file read again with its
        // debug info, for parameter names in the local variable table (classes compiled with -g, not -parameters).
        TypePool detailed = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(),
                ClassFileLocator.ForClassLoader.of(loader), TypePool.Default.ReaderMode.EXTENDED);
        TypePool.Resolution resolution = detailed.describe(type.getName());
        TypeDescription described = resolution.isResolved() ? resolution.resolve() : type;
        PoolTypeModel types = new PoolTypeModel(detailed);
        for (MethodDescription.InDefinedShape method : described.getDeclaredMethods().filter(ScanFilter.guarded())) {
            if (method.isBridge() || method.isSynthetic()) {
                // javac copies annotations onto bridge methods; the bridge calls the real method, which is
                // woven, so weaving the bridge too would count every call twice.
                continue;
            }
            if (method.isAbstract() || method.isNative()) {
                Log.error("@RateLimited on " + type.getName() + "." + method.getName() + " is not enforced: an abstract "
                        + "or native method has no body to guard; annotate the implementing method instead");
                continue;
            }
            Registration registration;
            try {
                registration = guards.register(spec(type, method), types, loader);
            } catch (RuntimeException e) {
                // Whatever went wrong reading the declaration, the method is woven to refuse: an exception
                // escaping here would leave the class loaded unwoven, its guarded methods unguarded.
                registration = guards.refuse(type.getName() + "." + method.getName() + method.getDescriptor(),
                        "its declaration could not be read (" + e + ")");
            }
            builder = builder.visit(advice(registration).on(named(method.getInternalName())
                    .and(hasDescriptor(method.getDescriptor()))));
        }
        return builder;
    }

    private static Advice advice(Registration registration) {
        TypeDescription enter = registration.readsArguments() ? ENTER_WITH_ARGUMENTS : ENTER_WITHOUT_ARGUMENTS;
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(GuardId.class, registration.id());
        return registration.settles()
                ? mapping.to(enter, SETTLE, AGENT_CLASSES)
                : mapping.to(enter, AGENT_CLASSES);
    }

    private static MethodSpec spec(TypeDescription type, MethodDescription.InDefinedShape method) {
        List<Parameter> parameters = new ArrayList<>();
        for (ParameterDescription.InDefinedShape p : method.getParameters()) {
            parameters.add(new Parameter(p.isNamed() ? p.getName() : null, p.getType().asErasure().getName()));
        }
        return new MethodSpec(type.getName(), method.getName(), method.getDescriptor(), parameters,
                RateLimitedReader.read(method));
    }
}
