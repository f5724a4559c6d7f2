package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import io.bulwark.internal.Message;
import io.bulwark.internal.key.Parameter;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.log.Log;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;

/**
 * Registers each guarded method of a class with the runtime and weaves the advice its guards need: arguments
 * passed only when a key reads them, an exit hook only when something settles after the call.
 */
final class GuardTransformer {

    static final ClassFileLocator AGENT_CLASSES = ClassFileLocator.ForClassLoader.of(
            GuardTransformer.class.getClassLoader());
    private static final TypeDescription ENTER_WITH_ARGUMENTS = describe(EnterWithArguments.class);
    private static final TypeDescription ENTER_WITHOUT_ARGUMENTS = describe(EnterWithoutArguments.class);
    private static final TypeDescription SETTLE = describe(Settle.class);
    private static final TypeDescription SETTLE_WITH_RESULT = describe(SettleWithResult.class);

    private final GuardRegistry guards;
    private final boolean requireWoven;

    GuardTransformer(GuardRegistry guards, boolean requireWoven) {
        this.guards = guards;
        this.requireWoven = requireWoven;
    }

    private static TypeDescription describe(Class<?> advice) {
        return TypeDescription.ForLoadedType.of(advice);
    }

    /** Whether {@code type} declares a guarded method (the annotation scan's question). */
    static boolean declaresGuards(TypeDescription type) {
        return !type.getDeclaredMethods().filter(RateLimitedReader.guarded()).isEmpty();
    }

    /**
     * Weaves the guards of {@code type}, described from its class file with debug info (parameter names come from
     * MethodParameters, or failing that the local variable table: classes compiled with -g but not -parameters).
     *
     * @param pool the pool {@code type} came from, which also answers questions about parameter types
     * @return {@code builder} with the guards woven, or null when the class has nothing to weave
     */
    DynamicType.Builder<?> weave(DynamicType.Builder<?> builder, TypeDescription type, TypePool pool,
            ClassLoader loader) {
        TypeDescription described = type;
        PoolTypeModel types = new PoolTypeModel(pool);
        boolean changed = false;
        Map<String, GuardIndex.Entry> index = GuardIndex.read(loader, type.getName());
        Set<String> woven = new HashSet<>();
        for (MethodDescription.InDefinedShape method : described.getDeclaredMethods()
                .filter(RateLimitedReader.guarded())) {
            if (method.isBridge() || method.isSynthetic()) {
                // javac copies annotations onto bridge methods; the bridge calls the real method, which is
                // woven, so weaving the bridge too would count every call twice.
                continue;
            }
            if (method.isAbstract() || method.isNative()) {
                Log.error(Message.GUARD_WITHOUT_BODY.format(guardNames(method), type.getName() + "." + method.getName(),
                        method.isAbstract() ? "an abstract method" : "a native method"));
                continue;
            }
            Registration registration;
            woven.add(method.getInternalName() + method.getDescriptor());
            GuardIndex.Entry entry = index == null ? null : index.get(method.getInternalName() + method.getDescriptor());
            try {
                registration = guards.register(spec(type, method, entry), types, loader);
            } catch (RuntimeException e) {
                // Whatever went wrong reading the declaration, the method is woven to refuse: an exception
                // escaping here would leave the class loaded unwoven, its guarded methods unguarded.
                registration = guards.refuse("Bulwark's guards", type.getName() + "." + method.getName()
                        + method.getDescriptor(),
                        "its declaration could not be read (" + e + ")");
            }
            builder = builder.visit(advice(registration).on(named(method.getInternalName())
                    .and(hasDescriptor(method.getDescriptor()))));
            changed = true;
        }
        if (index != null && index.size() > woven.size()) {
            DynamicType.Builder<?> refusing = listedButNotGuarded(builder, type, described, index, woven);
            changed |= refusing != builder;
            builder = refusing;
        }
        return changed ? builder : null;
    }

    /**
     * Methods the index lists whose class file carries no guard: the class changed after the index was written (a
     * build that mixes outputs), or someone stripped the annotations. Reported at once; refused with
     * {@code bulwark.require-woven}, never run as if the listing did not exist.
     */
    private DynamicType.Builder<?> listedButNotGuarded(DynamicType.Builder<?> builder, TypeDescription type,
            TypeDescription described, Map<String, GuardIndex.Entry> index, Set<String> woven) {
        for (GuardIndex.Entry entry : index.values()) {
            if (woven.contains(entry.method() + entry.descriptor())) {
                continue;
            }
            String method = type.getName() + "." + entry.method() + entry.descriptor();
            MethodList<MethodDescription.InDefinedShape> found = described.getDeclaredMethods()
                    .filter(named(entry.method()).and(hasDescriptor(entry.descriptor())));
            if (found.isEmpty() || found.getOnly().isAbstract() || found.getOnly().isNative()) {
                Log.error(method + " is listed in the Bulwark index but the class has no such method with a body: "
                        + "the index is stale; rebuild with the processor");
                continue;
            }
            // A step-up is refused whatever the setting (DESIGN §4): running a money transfer without its second
            // factor is never the lesser evil.
            boolean stepUp = entry.kinds().contains("Requires2FA");
            if (!requireWoven && !stepUp) {
                Log.error(method + " is listed in the Bulwark index but carries no guard in its class file: it runs "
                        + "UNGUARDED (set bulwark.require-woven=true to refuse it instead)");
                continue;
            }
            Registration refusal = guards.refuse("The Bulwark index", method, "it is listed in the Bulwark index but "
                    + "carries no guard in its class file, and " + (stepUp ? "the index says it requires a second "
                    + "factor" : "bulwark.require-woven is set"));
            builder = builder.visit(advice(refusal).on(named(entry.method()).and(hasDescriptor(entry.descriptor()))));
        }
        return builder;
    }

    /** {@code RateLimited}, {@code Audited}, {@code RateLimited and @Audited}, ...: for messages. */
    private static String guardNames(MethodDescription method) {
        List<String> names = new ArrayList<>();
        if (RateLimitedReader.rateLimited().matches(method)) {
            names.add("RateLimited");
        }
        if (Requires2FAReader.read(method) != null) {
            names.add("Requires2FA");
        }
        if (AuditedReader.read(method, null) != null) {
            names.add("Audited");
        }
        return String.join(" and @", names);
    }

    static Advice advice(Registration registration) {
        TypeDescription enter = registration.readsArguments() ? ENTER_WITH_ARGUMENTS : ENTER_WITHOUT_ARGUMENTS;
        Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(GuardId.class, registration.id());
        if (!registration.settles()) {
            return mapping.to(enter, AGENT_CLASSES);
        }
        return mapping.to(enter, registration.needsResult() ? SETTLE_WITH_RESULT : SETTLE, AGENT_CLASSES);
    }

    private static MethodSpec spec(TypeDescription type, MethodDescription.InDefinedShape method,
            GuardIndex.Entry entry) {
        List<Parameter> parameters = new ArrayList<>();
        for (ParameterDescription.InDefinedShape p : method.getParameters()) {
            parameters.add(new Parameter(p.isNamed() ? p.getName() : null, p.getType().asErasure().getName(),
                    PoolTypeModel.redaction(p.getDeclaredAnnotations())));
        }
        List<RateLimitSpec> rateLimits = RateLimitedReader.read(method);
        AuditSpec audit = AuditedReader.read(method, entry);
        List<String> extractors = new ArrayList<>();
        for (int i = 0; i < rateLimits.size(); i++) {
            // An index written for other annotations than the class file now has is not trusted for extractors.
            boolean matches = entry != null && entry.extractors().size() == rateLimits.size();
            extractors.add(matches ? entry.extractor(i) : null);
        }
        return new MethodSpec(type.getName(), method.getName(), method.getDescriptor(), parameters, rateLimits,
                extractors, audit, Requires2FAReader.read(method));
    }
}
