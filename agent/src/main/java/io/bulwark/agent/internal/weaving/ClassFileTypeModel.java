package io.bulwark.agent.internal.weaving;

import io.bulwark.Redact;
import io.bulwark.rules.key.TypeModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Answers the runtime's questions about parameter and property types from class files, read as resources of the
 * guarded class's loader: the types are described, never loaded, so weaving cannot trigger class loading in the
 * application. One model per woven class; each class file is read at most once.
 */
final class ClassFileTypeModel implements TypeModel {

    private final ClassLoader loader;
    private final Map<String, Optional<ClassFile>> files = new HashMap<>();

    /** @param woven the class being woven, answered from its bytes (it is being defined: no resource yet, maybe) */
    ClassFileTypeModel(ClassLoader loader, ClassFile woven) {
        this.loader = loader;
        files.put(woven.name, Optional.of(woven));
    }

    @Override
    public List<Accessor> accessors(String typeName) {
        List<Accessor> accessors = new ArrayList<>();
        collect(describe(typeName), accessors, new HashSet<>(), new HashSet<>());
        return accessors;
    }

    /** Subclass first, so that an override is what is found; then superclasses and interfaces. */
    private void collect(ClassFile type, List<Accessor> into, Set<String> seen, Set<String> visited) {
        if (type == null || !visited.add(type.name) || type.name.equals("java.lang.Object")) {
            return;
        }
        for (ClassFile.MethodInfo m : type.methods.values()) {
            Type returned = Type.getReturnType(m.descriptor);
            if (m.is(Opcodes.ACC_PUBLIC) && !m.is(Opcodes.ACC_STATIC) && !m.is(Opcodes.ACC_BRIDGE)
                    && !m.is(Opcodes.ACC_SYNTHETIC) && !m.name.startsWith("<")
                    && Type.getArgumentCount(m.descriptor) == 0 && returned.getSort() != Type.VOID
                    && seen.add(m.name)) {
                into.add(new Accessor(type.name, m.name, ClassFile.binaryName(returned)));
            }
        }
        if (type.superName != null) {
            collect(describe(type.superName.replace('/', '.')), into, seen, visited);
        }
        for (String iface : type.interfaces) {
            collect(describe(iface.replace('/', '.')), into, seen, visited);
        }
    }

    /** The direct superclass and interfaces of {@code typeName}, as far as its class file is found; else none. */
    List<String> supertypes(String typeName) {
        ClassFile type = describe(typeName);
        if (type == null) {
            return List.of();
        }
        List<String> supertypes = new ArrayList<>();
        if (type.superName != null) {
            supertypes.add(type.superName.replace('/', '.'));
        }
        for (String iface : type.interfaces) {
            supertypes.add(iface.replace('/', '.'));
        }
        return supertypes;
    }

    @Override
    public Redact.Mode redaction(String typeName, String field) {
        ClassFile type = describe(typeName);
        Set<String> visited = new HashSet<>();
        while (type != null && !type.name.equals("java.lang.Object") && visited.add(type.name)) {
            for (ClassFile.FieldInfo f : type.fields) {
                if (f.name().equals(field)) {
                    Redact.Mode mode = redaction(f.annotations());
                    if (mode != null) {
                        return mode;
                    }
                }
            }
            type = type.superName == null ? null : describe(type.superName.replace('/', '.'));
        }
        return null;
    }

    /** The mode of a {@code @Redact} among {@code annotations}, or null. */
    static Redact.Mode redaction(List<Annotation> annotations) {
        Annotation redact = Annotation.find(annotations, Redact.class.getName());
        return redact == null ? null : Redact.Mode.valueOf(redact.string("mode"));
    }

    @Override
    public boolean isEnum(String typeName) {
        ClassFile type = describe(typeName);
        return type != null && type.isEnum();
    }

    /** The class file of {@code typeName}, or null for primitives, arrays and what the loader cannot find. */
    private ClassFile describe(String typeName) {
        if (typeName.startsWith("[") || isPrimitive(typeName)) {
            return null;
        }
        Optional<ClassFile> file = files.get(typeName);
        if (file == null) {
            file = read(typeName);
            files.put(typeName, file);
        }
        return file.orElse(null);
    }

    private Optional<ClassFile> read(String typeName) {
        String resource = typeName.replace('.', '/') + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(ClassFile.read(typeName, in.readAllBytes(), false));
        } catch (IOException | RuntimeException e) {
            // An unreadable or malformed class file: the type is unknown, as if absent (the key planner says so).
            return Optional.empty();
        }
    }

    private static boolean isPrimitive(String typeName) {
        return switch (typeName) {
            case "boolean", "byte", "char", "short", "int", "long", "float", "double", "void" -> true;
            default -> false;
        };
    }
}
