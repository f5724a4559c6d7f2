package io.bulwark.agent.internal.weaving;

import io.bulwark.Audited;
import io.bulwark.RateLimited;
import io.bulwark.Redact;
import io.bulwark.Requires2FA;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * An annotation as a class file records it, read without loading its type or the classes it names: values by
 * attribute name, with enum constants and class literals as names ({@code "CALLS"}, {@code "java.io.IOException"}),
 * arrays as lists and nested annotations as {@code Annotation}s.
 *
 * <p>A class file holds only the values written at the use site; the defaults of Bulwark's own annotations come
 * from their declarations (this jar's API classes), read once by reflection.
 *
 * @param type the annotation's binary name ({@code io.bulwark.RateLimited$List})
 */
record Annotation(String type, Map<String, Object> values) {

    private static final Map<String, Map<String, Object>> DEFAULTS = defaults(RateLimited.class,
            RateLimited.List.class, Audited.class, Requires2FA.class, Redact.class);

    /** The value of {@code attribute}, written or by default; null when neither. */
    Object get(String attribute) {
        Object value = values.get(attribute);
        if (value != null) {
            return value;
        }
        Map<String, Object> defaults = DEFAULTS.get(type);
        return defaults == null ? null : defaults.get(attribute);
    }

    String string(String attribute) {
        return (String) get(attribute);
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String attribute) {
        Object value = get(attribute);
        return value == null ? List.of() : (List<Object>) value;
    }

    /** The first of {@code annotations} of {@code type}, or null. */
    static Annotation find(List<Annotation> annotations, String type) {
        for (Annotation a : annotations) {
            if (a.type().equals(type)) {
                return a;
            }
        }
        return null;
    }

    /** A visitor that collects the annotation of descriptor {@code descriptor} and hands it to {@code into}. */
    static AnnotationVisitor collector(String descriptor, Consumer<Annotation> into) {
        Map<String, Object> values = new HashMap<>();
        String type = Type.getType(descriptor).getClassName();
        return new Collector(values::put, () -> into.accept(new Annotation(type, values)));
    }

    /** Collects values into {@code sink}; {@code end} runs when the annotation (or array) is complete. */
    private static final class Collector extends AnnotationVisitor {

        private final Sink sink;
        private final Runnable end;

        Collector(Sink sink, Runnable end) {
            super(Opcodes.ASM9);
            this.sink = sink;
            this.end = end;
        }

        @Override
        public void visit(String name, Object value) {
            sink.put(name, plain(value));
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            sink.put(name, value);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            return collector(descriptor, nested -> sink.put(name, nested));
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            List<Object> elements = new ArrayList<>();
            return new Collector((ignored, value) -> elements.add(value), () -> sink.put(name, elements));
        }

        @Override
        public void visitEnd() {
            end.run();
        }

        /** Class literals as binary names, primitive arrays as lists; everything else as ASM gives it. */
        private static Object plain(Object value) {
            if (value instanceof Type type) {
                return ClassFile.binaryName(type);
            }
            if (value != null && value.getClass().isArray()) {
                List<Object> elements = new ArrayList<>();
                for (int i = 0; i < Array.getLength(value); i++) {
                    elements.add(Array.get(value, i));
                }
                return elements;
            }
            return value;
        }
    }

    private interface Sink {
        void put(String name, Object value);
    }

    @SafeVarargs
    private static Map<String, Map<String, Object>> defaults(Class<? extends java.lang.annotation.Annotation>... types) {
        Map<String, Map<String, Object>> all = new HashMap<>();
        for (Class<? extends java.lang.annotation.Annotation> type : types) {
            Map<String, Object> defaults = new HashMap<>();
            for (Method attribute : type.getDeclaredMethods()) {
                Object value = attribute.getDefaultValue();
                if (value != null) {
                    defaults.put(attribute.getName(), plainDefault(value));
                }
            }
            all.put(type.getName(), defaults);
        }
        return all;
    }

    /** A default as the class file would have recorded it: enum constants and classes by name, arrays as lists. */
    private static Object plainDefault(Object value) {
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        if (value instanceof Class<?> type) {
            return type.getName();
        }
        if (value.getClass().isArray()) {
            List<Object> elements = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(plainDefault(Array.get(value, i)));
            }
            return List.copyOf(elements);
        }
        return value;
    }
}
