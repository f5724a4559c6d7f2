package io.bulwark.runtime.key;

import io.bulwark.Redact;
import io.bulwark.rules.key.TypeModel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/** A {@link TypeModel} over loaded classes, for tests that have the classes at hand. */
public final class ReflectiveTypeModel implements TypeModel {

    private final ClassLoader loader;

    public ReflectiveTypeModel() {
        this(ReflectiveTypeModel.class.getClassLoader());
    }

    public ReflectiveTypeModel(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public List<Accessor> accessors(String typeName) {
        Class<?> type = load(typeName);
        List<Accessor> accessors = new ArrayList<>();
        if (type == null || type.isPrimitive()) {
            return accessors;
        }
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() == 0 && m.getReturnType() != void.class && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() != Object.class) {
                accessors.add(new Accessor(m.getDeclaringClass().getName(), m.getName(), m.getReturnType().getName()));
            }
        }
        return accessors;
    }

    @Override
    public boolean isEnum(String typeName) {
        Class<?> type = load(typeName);
        return type != null && type.isEnum();
    }

    @Override
    public Redact.Mode redaction(String typeName, String field) {
        for (Class<?> type = load(typeName); type != null; type = type.getSuperclass()) {
            for (Field f : type.getDeclaredFields()) {
                if (f.getName().equals(field) && f.isAnnotationPresent(Redact.class)) {
                    return f.getAnnotation(Redact.class).mode();
                }
            }
        }
        return null;
    }

    private Class<?> load(String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
