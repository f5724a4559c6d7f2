package io.bulwark.runtime.key;

import io.bulwark.internal.Suggestions;
import io.bulwark.internal.Template;
import io.bulwark.runtime.InvalidGuardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Compiles a key template against a method's parameters, once, at weave time: every reference is resolved to
 * an argument index, a chain of accessors or a caller field, and checked to end in a value with a stable
 * text form. A template that names nothing real is an {@link InvalidGuardException}, never a silent global key.
 *
 * <p>A parameter named {@code caller} is shadowed: {@code {caller.x}} always means the bound caller.
 */
public final class KeyCompiler {

    /** Types whose text form is stable and meaningful as a key; enums count too (by name). */
    static final Set<String> SCALARS = Set.of("java.lang.String", "java.lang.CharSequence", "boolean", "byte",
            "short", "char", "int", "long", "float", "double", "java.lang.Boolean", "java.lang.Byte",
            "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
            "java.lang.Double", "java.util.UUID", "java.math.BigInteger", "java.math.BigDecimal");

    private KeyCompiler() {
    }

    /**
     * @param guard  the policy name, for refusals at run time
     * @param loader the loader of the guarded class (property accessors are resolved through it on first use)
     */
    public static KeyExtractor compile(String template, String guard, List<Parameter> parameters, TypeModel types,
            ClassLoader loader) throws InvalidGuardException {
        List<Template.Part> parts;
        try {
            parts = Template.parse(template);
        } catch (IllegalArgumentException e) {
            throw new InvalidGuardException("key '" + template + "': " + e.getMessage());
        }
        List<CompiledKey.Source> sources = new ArrayList<>();
        for (Template.Part part : parts) {
            if (part instanceof Template.Ref ref) {
                sources.add(source(template, ref, guard, parameters, types, loader));
            }
        }
        if (sources.isEmpty()) {
            return KeyExtractor.GLOBAL;
        }
        return new CompiledKey(sources.toArray(CompiledKey.Source[]::new));
    }

    private static CompiledKey.Source source(String template, Template.Ref ref, String guard,
            List<Parameter> parameters, TypeModel types, ClassLoader loader) throws InvalidGuardException {
        String prefix = "key '" + template + "': ";
        if (ref.isCaller()) {
            return new CompiledKey.CallerValue(CallerField.of(ref.path().get(1)));
        }
        String name = ref.path().get(0);
        int index = -1;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            String parameterName = parameters.get(i).name();
            if (parameterName == null) {
                throw new InvalidGuardException(prefix + "the class file does not record parameter names, so {" + name
                        + "} cannot be resolved: compile with -parameters (or -g), or use the Bulwark processor");
            }
            names.add(parameterName);
            if (parameterName.equals(name)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new InvalidGuardException(prefix + "{" + ref.text() + "} names no parameter: expected one of "
                    + (names.isEmpty() ? "(none: the method takes no parameters)" : String.join(", ", names))
                    + " or a caller field such as {caller.ip}" + Suggestions.didYouMean(name, names));
        }
        String type = parameters.get(index).type();
        List<TypeModel.Accessor> steps = new ArrayList<>();
        for (String property : ref.path().subList(1, ref.path().size())) {
            TypeModel.Accessor step = Properties.find(types, type, property);
            if (step == null) {
                List<String> known = Properties.names(types, type);
                throw new InvalidGuardException(prefix + type + " has no readable property '" + property
                        + "' (expected a record component, get" + capitalize(property) + "()/is" + capitalize(property)
                        + "() or a public " + property + "())" + Suggestions.didYouMean(property, known));
            }
            steps.add(step);
            type = step.returnType();
        }
        if (!SCALARS.contains(type) && !types.isEnum(type)) {
            List<String> known = Properties.names(types, type);
            throw new InvalidGuardException(prefix + "{" + ref.text() + "} is a " + type + ", which has no stable "
                    + "text form: name one of its properties" + (known.isEmpty() ? "" : " such as {" + ref.text() + "."
                    + known.get(0) + "}") + ", or a String, number, UUID or enum");
        }
        PropertyChain chain = steps.isEmpty() ? null : new PropertyChain(guard, ref.text(), steps, loader);
        return new CompiledKey.Argument(index, chain);
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
