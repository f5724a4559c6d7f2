package io.bulwark.runtime.key;

import io.bulwark.rules.key.KeyPlan;
import io.bulwark.rules.key.KeyPlanner;
import io.bulwark.rules.key.Parameter;
import io.bulwark.rules.key.TypeModel;
import io.bulwark.runtime.InvalidGuardException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a key template once, at weave time: {@link KeyPlanner} resolves it (the same rules javac applies through
 * the processor), and each source becomes a caller field or an argument read through method handles. Nothing is
 * parsed or looked up per call.
 */
public final class KeyCompiler {

    private KeyCompiler() {
    }

    /**
     * Compiles without a generated extractor: see
     * {@link #compile(String, String, List, TypeModel, ClassLoader, String)}.
     */
    public static KeyExtractor compile(String template, String guard, List<Parameter> parameters, TypeModel types,
            ClassLoader loader) throws InvalidGuardException {
        return compile(template, guard, parameters, types, loader, null);
    }

    /**
     * @param guard     the policy name, for refusals at run time
     * @param loader    the loader of the guarded class (accessors and extractors are resolved through it on first use)
     * @param generated {@code com.acme.Auth_BulwarkKeys#key0}: the processor's typed extractor for this template, used
     *                  instead of method handles; or null
     */
    public static KeyExtractor compile(String template, String guard, List<Parameter> parameters, TypeModel types,
            ClassLoader loader, String generated) throws InvalidGuardException {
        KeyPlan plan;
        try {
            plan = KeyPlanner.plan(template, parameters, types);
        } catch (KeyPlanner.InvalidTemplateException e) {
            throw new InvalidGuardException(e.getMessage());
        }
        if (plan.global()) {
            return KeyExtractor.GLOBAL;
        }
        List<KeyPlan.Source> values = new ArrayList<>();
        for (KeyPlan.Source source : plan.sources()) {
            if (!(source instanceof KeyPlan.Literal)) {
                values.add(source);
            }
        }
        // One caller field or one argument as it is: read directly, with no method handle and no generated code, so
        // that the in-memory engine keys by the value itself (see KeyExtractor.text).
        boolean direct = values.size() == 1 && (values.get(0) instanceof KeyPlan.Caller
                || values.get(0) instanceof KeyPlan.Argument a && a.accessors().isEmpty());
        if (generated != null && !direct) {
            int hash = generated.indexOf('#');
            return new GeneratedKey(guard, generated.substring(0, hash), generated.substring(hash + 1),
                    plan.readsArguments(), loader);
        }
        List<CompiledKey.Source> sources = new ArrayList<>();
        for (KeyPlan.Source source : values) {
            sources.add(source(source, guard, loader, true));
        }
        return new CompiledKey(sources.toArray(CompiledKey.Source[]::new));
    }

    /**
     * Compiles a resource template ({@code @Audited(resourceId = "order-{id}")}): rendered as text, literals kept,
     * null when every value it names is null; null itself for the empty template.
     *
     * @param attribute {@code resourceId} or {@code resourceName}, for messages
     */
    public static KeyExtractor compileText(String attribute, String template, String guard, List<Parameter> parameters,
            TypeModel types, ClassLoader loader, String generated) throws InvalidGuardException {
        if (template.isEmpty()) {
            return null;
        }
        KeyPlan plan;
        try {
            plan = KeyPlanner.plan(attribute, template, parameters, types);
        } catch (KeyPlanner.InvalidTemplateException e) {
            throw new InvalidGuardException(e.getMessage());
        }
        if (generated != null) {
            int hash = generated.indexOf('#');
            return new GeneratedKey(guard, generated.substring(0, hash), generated.substring(hash + 1),
                    plan.readsArguments(), loader);
        }
        List<Object> parts = new ArrayList<>();
        for (KeyPlan.Source source : plan.sources()) {
            parts.add(source instanceof KeyPlan.Literal literal
                    ? literal.text()
                    : source(source, guard, loader, false));
        }
        return new CompiledText(parts.toArray());
    }

    private static CompiledKey.Source source(KeyPlan.Source source, String guard, ClassLoader loader, boolean key) {
        if (source instanceof KeyPlan.Caller caller) {
            return modified(new CompiledKey.CallerValue(CallerField.of(caller.field()), key), caller.modifiers());
        }
        KeyPlan.Argument argument = (KeyPlan.Argument) source;
        PropertyChain chain = argument.accessors().isEmpty() ? null
                : new PropertyChain(guard, argument.path(), argument.accessors(), loader);
        return modified(new CompiledKey.Argument(argument.index(), chain), argument.modifiers());
    }

    private static CompiledKey.Source modified(CompiledKey.Source source, List<String> modifiers) {
        return modifiers.isEmpty() ? source : new CompiledKey.Modified(source, modifiers.toArray(String[]::new));
    }
}
