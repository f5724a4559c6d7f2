package io.bulwark.agent.internal.weaving;

import io.bulwark.Audited;
import io.bulwark.RateLimited;
import io.bulwark.Redact;
import io.bulwark.Requires2FA;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * An annotation as a class file records it, read without loading its type or the classes it names: values by
 * attribute name, with enum constants and class literals as names ({@code "CALLS"}, {@code "java.io.IOException"}),
 * arrays as lists and nested annotations as {@code Annotation}s.
 *
 * <p>A class file holds only the values written at the use site; the defaults of Bulwark's own annotations come
 * from their declarations (the class files of this jar's API), read once.
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

    /**
     * A visitor that collects the annotation of descriptor {@code descriptor} into {@code into}. Nested annotations
     * and arrays are put in place as they start and filled as they are visited: no callbacks, no lambdas (this runs
     * at start-up, where each lambda costs a class spun at run time).
     */
    static AnnotationVisitor collector(String descriptor, List<Annotation> into) {
        Annotation annotation = new Annotation(Type.getType(descriptor).getClassName(), new HashMap<>());
        into.add(annotation);
        return new Collector(annotation.values(), null);
    }

    /** Collects into the values of an annotation, or into the elements of an array (the other one null). */
    private static class Collector extends AnnotationVisitor {

        private final Map<String, Object> values;
        private final List<Object> elements;

        Collector(Map<String, Object> values, List<Object> elements) {
            super(Opcodes.ASM9);
            this.values = values;
            this.elements = elements;
        }

        private void put(String name, Object value) {
            if (values != null) {
                values.put(name, value);
            } else {
                elements.add(value);
            }
        }

        @Override
        public void visit(String name, Object value) {
            put(name, plain(value));
        }

        @Override
        public void visitEnum(String name, String descriptor, String value) {
            put(name, value);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            Annotation nested = new Annotation(Type.getType(descriptor).getClassName(), new HashMap<>());
            put(name, nested);
            return new Collector(nested.values(), null);
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            List<Object> array = new ArrayList<>();
            put(name, array);
            return new Collector(null, array);
        }

        /** Class literals as binary names, primitive arrays as lists; everything else as ASM gives it. */
        private static Object plain(Object value) {
            if (value instanceof Type type) {
                return ClassFile.binaryName(type);
            }
            if (value != null && value.getClass().isArray()) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < Array.getLength(value); i++) {
                    list.add(Array.get(value, i));
                }
                return list;
            }
            return value;
        }
    }

    /**
     * The defaults declared by {@code types}, read from their class files (the AnnotationDefault of each attribute)
     * with the same collector as the values at a use site: reflection ({@code Method.getDefaultValue()}) would load
     * some 25 classes of the JDK's generic-signature parser, and spin a lambda, at start-up.
     */
    private static Map<String, Map<String, Object>> defaults(Class<?>... types) {
        Map<String, Map<String, Object>> all = new HashMap<>();
        for (Class<?> type : types) {
            Map<String, Object> defaults = new HashMap<>();
            String resource = type.getName().replace('.', '/') + ".class";
            ClassLoader loader = Annotation.class.getClassLoader();
            try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                    : loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the class file of " + type.getName() + " cannot be read");
                }
                new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                            String[] exceptions) {
                        return new MethodVisitor(Opcodes.ASM9) {
                            @Override
                            public AnnotationVisitor visitAnnotationDefault() {
                                // A default is visited as one unnamed value: collected under the null key, then
                                // filed under the attribute's name.
                                Map<String, Object> value = new HashMap<>();
                                return new Collector(value, null) {
                                    @Override
                                    public void visitEnd() {
                                        defaults.put(name, value.get(null));
                                    }
                                };
                            }
                        };
                    }
                }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            all.put(type.getName(), Map.copyOf(defaults));
        }
        return Map.copyOf(all);
    }
}
