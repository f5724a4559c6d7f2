package io.bulwark.agent.internal.weaving;

import io.bulwark.Redact;
import io.bulwark.internal.key.TypeModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;

/**
 * Answers the runtime's questions about parameter and property types from class files, through a type pool:
 * the types are described, never loaded, so weaving cannot trigger class loading in the application.
 */
final class PoolTypeModel implements TypeModel {

    private final TypePool pool;

    PoolTypeModel(TypePool pool) {
        this.pool = pool;
    }

    @Override
    public List<Accessor> accessors(String typeName) {
        TypeDescription type = describe(typeName);
        List<Accessor> accessors = new ArrayList<>();
        if (type == null || type.isPrimitive() || type.isArray()) {
            return accessors;
        }
        Set<String> seen = new HashSet<>();
        collect(type, accessors, seen, new HashSet<>());
        return accessors;
    }

    /** Subclass first, so that an override is what is found; then superclasses and interfaces. */
    private static void collect(TypeDefinition type, List<Accessor> into, Set<String> seen, Set<String> visited) {
        if (type == null || !visited.add(type.getTypeName()) || type.represents(Object.class)) {
            return;
        }
        for (MethodDescription.InDefinedShape m : type.asErasure().getDeclaredMethods()) {
            if (m.isPublic() && !m.isStatic() && m.isMethod() && m.getParameters().isEmpty() && !m.isBridge()
                    && !m.isSynthetic() && !m.getReturnType().represents(void.class) && seen.add(m.getName())) {
                into.add(new Accessor(type.asErasure().getName(), m.getName(), m.getReturnType().asErasure().getName()));
            }
        }
        collect(type.getSuperClass(), into, seen, visited);
        for (TypeDefinition iface : type.getInterfaces()) {
            collect(iface, into, seen, visited);
        }
    }

    @Override
    public Redact.Mode redaction(String typeName, String field) {
        TypeDefinition type = describe(typeName);
        Set<String> visited = new HashSet<>();
        while (type != null && !type.represents(Object.class) && visited.add(type.getTypeName())) {
            for (FieldDescription.InDefinedShape f : type.asErasure().getDeclaredFields()) {
                if (f.getName().equals(field)) {
                    Redact.Mode mode = redaction(f.getDeclaredAnnotations());
                    if (mode != null) {
                        return mode;
                    }
                }
            }
            type = type.getSuperClass();
        }
        return null;
    }

    /** The mode of a {@code @Redact} among {@code annotations}, read from the class file without loading anything. */
    static Redact.Mode redaction(Iterable<AnnotationDescription> annotations) {
        for (AnnotationDescription a : annotations) {
            if (a.getAnnotationType().getName().equals(Redact.class.getName())) {
                return Redact.Mode.valueOf(a.getValue("mode").resolve(EnumerationDescription.class).getValue());
            }
        }
        return null;
    }

    @Override
    public boolean isEnum(String typeName) {
        TypeDescription type = describe(typeName);
        return type != null && type.isEnum();
    }

    private TypeDescription describe(String typeName) {
        TypePool.Resolution resolution = pool.describe(typeName);
        return resolution.isResolved() ? resolution.resolve() : null;
    }
}
