package io.bulwark.rules.key;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which method reads property {@code x}: a method named {@code x()} (a record component or a fluent accessor),
 * else {@code getX()}, else {@code isX()} returning a boolean. The one place this rule lives. Not API.
 */
public final class Properties {

    private Properties() {
    }

    /** The accessor reading {@code property} of {@code type}, or {@code null}. */
    public static TypeModel.Accessor find(TypeModel types, String type, String property) {
        List<TypeModel.Accessor> accessors = types.accessors(type);
        String suffix = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        for (String candidate : List.of(property, "get" + suffix, "is" + suffix)) {
            for (TypeModel.Accessor accessor : accessors) {
                if (accessor.name().equals(candidate)
                        && (!candidate.startsWith("is") || candidate.equals(property) || isBoolean(accessor))) {
                    return accessor;
                }
            }
        }
        return null;
    }

    /** The properties {@code type} offers, sorted, for "did you mean" and examples. */
    public static List<String> names(TypeModel types, String type) {
        Set<String> names = new TreeSet<>();
        for (TypeModel.Accessor accessor : types.accessors(type)) {
            String name = accessor.name();
            if (name.startsWith("get") && name.length() > 3 && Character.isUpperCase(name.charAt(3))) {
                names.add(Character.toLowerCase(name.charAt(3)) + name.substring(4));
            } else if (name.startsWith("is") && name.length() > 2 && Character.isUpperCase(name.charAt(2))
                    && isBoolean(accessor)) {
                names.add(Character.toLowerCase(name.charAt(2)) + name.substring(3));
            } else {
                names.add(name);
            }
        }
        return new ArrayList<>(names);
    }

    private static boolean isBoolean(TypeModel.Accessor accessor) {
        return accessor.returnType().equals("boolean") || accessor.returnType().equals("java.lang.Boolean");
    }
}
