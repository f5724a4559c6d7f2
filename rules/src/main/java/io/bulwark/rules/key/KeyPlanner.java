package io.bulwark.rules.key;

import io.bulwark.rules.Message;
import io.bulwark.rules.Suggestions;
import io.bulwark.rules.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Resolves a key template against a method's parameters: every reference to an argument index and a chain of
 * accessors, or a caller field, ending in a value with a stable text form. A template that names nothing real is
 * an {@link InvalidTemplateException}, never a silent global key. Not API.
 *
 * <p>A parameter named {@code caller} is shadowed: {@code {caller.x}} always means the bound caller.
 */
public final class KeyPlanner {

    /** Types whose text form is stable and meaningful as a key; enums count too (by name). */
    public static final Set<String> SCALARS = Set.of("java.lang.String", "java.lang.CharSequence", "boolean", "byte",
            "short", "char", "int", "long", "float", "double", "java.lang.Boolean", "java.lang.Byte",
            "java.lang.Short", "java.lang.Character", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
            "java.lang.Double", "java.util.UUID", "java.math.BigInteger", "java.math.BigDecimal");

    private KeyPlanner() {
    }

    /** A template that cannot be resolved; the message says why, in {@link Message}'s words. */
    public static final class InvalidTemplateException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidTemplateException(String message) {
            super(message);
        }
    }

    /** Plans a rate-limit key: see {@link #plan(String, String, List, TypeModel)}. */
    public static KeyPlan plan(String template, List<Parameter> parameters, TypeModel types) {
        return plan("key", template, parameters, types);
    }

    /**
     * @param attribute the annotation attribute the template is the value of ({@code key}, {@code resourceId}), for
     *                  messages
     */
    public static KeyPlan plan(String attribute, String template, List<Parameter> parameters, TypeModel types) {
        List<Template.Part> parts;
        try {
            parts = Template.parse(template);
        } catch (IllegalArgumentException e) {
            throw new InvalidTemplateException(Message.TEMPLATE_SYNTAX.format(attribute, template, e.getMessage()));
        }
        List<KeyPlan.Source> sources = new ArrayList<>();
        for (Template.Part part : parts) {
            if (part instanceof Template.Ref ref) {
                sources.add(source(attribute, template, ref, parameters, types));
            } else if (part instanceof Template.Literal literal) {
                sources.add(new KeyPlan.Literal(literal.text()));
            }
        }
        return new KeyPlan(template, sources);
    }

    private static KeyPlan.Source source(String attribute, String template, Template.Ref ref,
            List<Parameter> parameters, TypeModel types) {
        if (ref.isCaller()) {
            return new KeyPlan.Caller(ref.path().get(1), ref.modifiers());
        }
        String name = ref.path().get(0);
        int index = -1;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            String parameterName = parameters.get(i).name();
            if (parameterName == null) {
                throw new InvalidTemplateException(Message.TEMPLATE_NO_PARAMETER_NAMES.format(attribute, template,
                        name));
            }
            names.add(parameterName);
            if (parameterName.equals(name)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new InvalidTemplateException(Message.TEMPLATE_UNKNOWN_PARAMETER.format(attribute, template,
                    ref.text(),
                    names.isEmpty() ? "(none: the method takes no parameters)" : String.join(", ", names),
                    Suggestions.didYouMean(name, names)));
        }
        if (parameters.get(index).redacted()) {
            throw new InvalidTemplateException(Message.TEMPLATE_REDACTED.format(attribute, template, ref.text()));
        }
        String declared = parameters.get(index).type();
        String type = declared;
        List<TypeModel.Accessor> steps = new ArrayList<>();
        for (String property : ref.path().subList(1, ref.path().size())) {
            TypeModel.Accessor step = Properties.find(types, type, property);
            if (step == null) {
                String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
                throw new InvalidTemplateException(Message.TEMPLATE_UNKNOWN_PROPERTY.format(attribute, template, type,
                        property,
                        capitalized, capitalized, property,
                        Suggestions.didYouMean(property, Properties.names(types, type))));
            }
            if (types.redaction(step.declaringType(), property) != null || types.redaction(type, property) != null) {
                throw new InvalidTemplateException(Message.TEMPLATE_REDACTED.format(attribute, template, ref.text()));
            }
            steps.add(step);
            type = step.returnType();
        }
        if (!SCALARS.contains(type) && !types.isEnum(type)) {
            List<String> known = Properties.names(types, type);
            throw new InvalidTemplateException(Message.TEMPLATE_NO_TEXT_FORM.format(attribute, template, ref.text(),
                    type,
                    known.isEmpty() ? "" : " such as {" + ref.text() + "." + known.get(0) + "}"));
        }
        return new KeyPlan.Argument(index, declared, steps, type, ref.text(), ref.modifiers());
    }
}
