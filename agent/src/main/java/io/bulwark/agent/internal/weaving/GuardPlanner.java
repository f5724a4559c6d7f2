package io.bulwark.agent.internal.weaving;

import io.bulwark.Count;
import io.bulwark.rules.AsyncReturns;
import io.bulwark.rules.Message;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.log.Log;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Registers each guarded method of a class with the runtime and plans the weaving its guards need: arguments
 * passed only when a key reads them, an exit hook only when something settles after the call. Not a
 * {@code ClassFileTransformer} (that is {@link ClassWeaver}); it was called {@code GuardTransformer} until issue 15.
 */
final class GuardPlanner {

    private final GuardRegistry guards;
    private final boolean requireWoven;

    GuardPlanner(GuardRegistry guards, boolean requireWoven) {
        this.guards = guards;
        this.requireWoven = requireWoven;
    }

    /**
     * A woven class file, how many of its methods carry each guard, and the id of the first guard registered.
     */
    record Woven(byte[] bytes, int methods, int rateLimited, int audited, int stepUp, int firstGuard) {

        /** {@code 3 guarded methods (@RateLimited 2, @Audited 0, @Requires2FA 1)}. */
        String describe() {
            return methods + " guarded method" + (methods == 1 ? "" : "s") + " (" + GuardPlanner.describe(
                    rateLimited, audited, stepUp) + ")";
        }
    }

    /** {@code @RateLimited 2, @Audited 1, @Requires2FA 0}. */
    static String describe(int rateLimited, int audited, int stepUp) {
        return "@RateLimited " + rateLimited + ", @Audited " + audited + ", @Requires2FA " + stepUp;
    }

    /**
     * Weaves the guards of {@code type}, read from its class file with its code (parameter names come from
     * MethodParameters, or failing that the local variable table: classes compiled with -g but not -parameters).
     *
     * @return the woven class file, or null when the class has nothing to weave
     */
    Woven weave(ClassFile type, byte[] bytes, ClassLoader loader, ProtectionDomain domain) {
        ClassFileTypeModel types = new ClassFileTypeModel(loader, type);
        Map<String, GuardIndex.Entry> index = GuardIndex.read(loader, type.name, domain);
        Map<String, GuardWeaving.Plan> plans = new LinkedHashMap<>();
        Set<String> woven = new HashSet<>();
        int rateLimited = 0;
        int audited = 0;
        int stepUp = 0;
        for (ClassFile.MethodInfo method : type.methods.values()) {
            if (!method.guarded() || method.is(Opcodes.ACC_BRIDGE) || method.is(Opcodes.ACC_SYNTHETIC)) {
                // javac copies annotations onto bridge methods; the bridge calls the real method, which is
                // woven, so weaving the bridge too would count every call twice.
                continue;
            }
            if (method.is(Opcodes.ACC_ABSTRACT) || method.is(Opcodes.ACC_NATIVE)) {
                Log.error(Message.GUARD_WITHOUT_BODY.format(guardNames(method.annotations),
                        type.name + "." + method.name, method.is(Opcodes.ACC_ABSTRACT) ? "an abstract method"
                        : "a native method"));
                continue;
            }
            if (method.name.startsWith("<")) {
                // The annotations target methods only: javac puts none here, a class file rewritten by hand may.
                Log.error(Message.GUARD_ON_CONSTRUCTOR.format(guardNames(method.annotations), type.name));
                continue;
            }
            woven.add(method.key());
            rateLimited += RateLimitedReader.present(method.annotations) ? 1 : 0;
            audited += Annotation.find(method.annotations, AuditedReader.AUDITED) != null ? 1 : 0;
            stepUp += Annotation.find(method.annotations, Requires2FAReader.REQUIRES_2FA) != null ? 1 : 0;
            GuardIndex.Entry entry = index == null ? null : index.get(method.key());
            Registration registration;
            AsyncReturns.Shape returns = AsyncReturns.Shape.PLAIN;
            try {
                MethodSpec spec = spec(type, method, entry, types);
                returns = spec.returns();
                if (reactive(returns) && (type.version & 0xFFFF) < GuardWeaving.FIRST_VERSION_WITH_LAMBDAS) {
                    returns = AsyncReturns.Shape.PLAIN;
                    registration = guards.refuse("Bulwark", spec.display(), Message.REACTIVE_BEFORE_JAVA_8.format());
                } else {
                    registration = guards.register(spec, types, loader);
                }
            } catch (RuntimeException e) {
                // Whatever went wrong reading the declaration, the method is woven to refuse: an exception
                // escaping here would leave the class loaded unwoven, its guarded methods unguarded.
                registration = guards.refuse("Bulwark's guards", type.name + "." + method.name + method.descriptor,
                        "its declaration could not be read (" + e + ")", returns);
            }
            if (reactive(returns)) {
                ReactorLinker.install();
            }
            plans.put(method.key(), new GuardWeaving.Plan(registration, method.maxLocals, returns));
        }
        if (index != null && index.size() > woven.size()) {
            listedButNotGuarded(type, index, woven, plans);
        }
        return plans.isEmpty() ? null
                : new Woven(GuardWeaving.weave(bytes, plans), woven.size(), rateLimited, audited, stepUp,
                        plans.values().iterator().next().registration().id());
    }

    /**
     * Methods the index lists whose class file carries no guard: the class changed after the index was written (a
     * build that mixes outputs), or someone stripped the annotations. Reported at once; refused with
     * {@code bulwark.require-woven}, never run as if the listing did not exist.
     */
    private void listedButNotGuarded(ClassFile type, Map<String, GuardIndex.Entry> index, Set<String> woven,
            Map<String, GuardWeaving.Plan> plans) {
        for (GuardIndex.Entry entry : index.values()) {
            String key = entry.method() + entry.descriptor();
            if (woven.contains(key)) {
                continue;
            }
            String method = type.name + "." + key;
            ClassFile.MethodInfo found = type.methods.get(key);
            if (found == null || found.is(Opcodes.ACC_ABSTRACT) || found.is(Opcodes.ACC_NATIVE)) {
                Log.error(method + " is listed in the Bulwark index but the class has no such method with a body: "
                        + "the index is stale; rebuild with the processor");
                continue;
            }
            // A step-up is refused whatever the setting (architecture.md §4): running a money transfer without its
            // second factor is never the lesser evil.
            boolean stepUp = entry.kinds().contains("Requires2FA");
            if (!requireWoven && !stepUp) {
                Log.error(method + " is listed in the Bulwark index but carries no guard in its class file: it runs "
                        + "UNGUARDED (set bulwark.require-woven=true to refuse it instead)");
                continue;
            }
            Registration refusal = guards.refuse("The Bulwark index", method, "it is listed in the Bulwark index but "
                    + "carries no guard in its class file, and " + (stepUp ? "the index says it requires a second "
                    + "factor" : "bulwark.require-woven is set"));
            plans.put(key, new GuardWeaving.Plan(refusal, found.maxLocals));
        }
    }

    /** {@code RateLimited}, {@code Audited}, {@code RateLimited and @Audited}, ...: for messages. */
    private static String guardNames(List<Annotation> annotations) {
        List<String> names = new ArrayList<>();
        if (RateLimitedReader.present(annotations)) {
            names.add("RateLimited");
        }
        if (Requires2FAReader.read(annotations) != null) {
            names.add("Requires2FA");
        }
        if (AuditedReader.read(annotations, null) != null) {
            names.add("Audited");
        }
        return String.join(" and @", names);
    }

    private static boolean reactive(AsyncReturns.Shape returns) {
        return returns == AsyncReturns.Shape.MONO || returns == AsyncReturns.Shape.FLUX;
    }

    /**
     * How the method delivers its outcome. A subclass of an asynchronous type is only recognised by reading its
     * supertypes' class files; that is done only where it matters, for a method whose guards need the outcome and
     * whose class the processor did not check (the processor rejects such a method at compile time).
     */
    private static AsyncReturns.Shape returns(ClassFile.MethodInfo method, boolean needsOutcome, boolean checked,
            ClassFileTypeModel types) {
        Type[] arguments = Type.getArgumentTypes(method.descriptor);
        String last = arguments.length == 0 ? null : ClassFile.binaryName(arguments[arguments.length - 1]);
        String returned = ClassFile.binaryName(Type.getReturnType(method.descriptor));
        return AsyncReturns.of(returned, last, needsOutcome && !checked ? types::supertypes : t -> List.of());
    }

    private static MethodSpec spec(ClassFile type, ClassFile.MethodInfo method, GuardIndex.Entry entry,
            ClassFileTypeModel types) {
        List<Parameter> parameters = new ArrayList<>();
        Type[] arguments = Type.getArgumentTypes(method.descriptor);
        for (int i = 0; i < arguments.length; i++) {
            parameters.add(new Parameter(method.parameterName(i), ClassFile.binaryName(arguments[i]),
                    ClassFileTypeModel.redaction(method.parameterAnnotations.get(i))));
        }
        List<RateLimitSpec> rateLimits = RateLimitedReader.read(method.annotations);
        AuditSpec audit = AuditedReader.read(method.annotations, entry);
        List<String> extractors = new ArrayList<>();
        for (int i = 0; i < rateLimits.size(); i++) {
            // An index written for other annotations than the class file now has is not trusted for extractors.
            boolean matches = entry != null && entry.extractors().size() == rateLimits.size();
            extractors.add(matches ? entry.extractor(i) : null);
        }
        // A loop rather than a stream: this runs as classes load, often while the application starts.
        boolean needsOutcome = audit != null;
        for (RateLimitSpec spec : rateLimits) {
            needsOutcome |= spec.count() == Count.FAILURES;
        }
        return new MethodSpec(type.name, method.name, method.descriptor, parameters, rateLimits, extractors, audit,
                Requires2FAReader.read(method.annotations), returns(method, needsOutcome, entry != null, types));
    }
}
