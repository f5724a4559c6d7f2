package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What the weaver and the key planner need of a class file, read in one pass with ASM: its name, version, super
 * types, and per method and field the access flags, the annotations and (for guarded methods) parameter names and
 * the size of the local variable table. Nothing is loaded, and at debug level every parse is logged
 * ({@code parsed com.acme.X}), which is what shows that with the index unguarded classes never are.
 */
final class ClassFile {

    /** The annotations that make a method guarded. */
    static final Set<String> GUARDS = Set.of(RateLimitedReader.RATE_LIMITED, RateLimitedReader.RATE_LIMITED_LIST,
            AuditedReader.AUDITED, Requires2FAReader.REQUIRES_2FA);

    final String name;
    int version;
    int access;
    String superName;
    List<String> interfaces = List.of();
    /** By name + descriptor, in class file order. */
    final Map<String, MethodInfo> methods = new LinkedHashMap<>();
    final List<FieldInfo> fields = new ArrayList<>();

    private ClassFile(String name) {
        this.name = name;
    }

    /**
     * Reads {@code bytes}.
     *
     * @param withCode whether to read method bodies (parameter names from the local variable table of classes
     *                 compiled with -g but not -parameters, and the local variable count the weaving needs); without,
     *                 only declarations
     */
    static ClassFile read(String name, byte[] bytes, boolean withCode) {
        ClassFile file = new ClassFile(name);
        new ClassReader(bytes).accept(file.new Reader(withCode),
                withCode ? ClassReader.SKIP_FRAMES : ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
        Log.debug("parsed " + name);
        return file;
    }

    /** Whether any method carries a guard (asked of a class the index does not list). */
    boolean declaresGuards() {
        for (MethodInfo method : methods.values()) {
            if (method.guarded()) {
                return true;
            }
        }
        return false;
    }

    boolean isEnum() {
        return (access & Opcodes.ACC_ENUM) != 0 && "java/lang/Enum".equals(superName);
    }

    /** {@code java.lang.String}, {@code int}, {@code [Ljava.lang.String;}: the form {@link Class#getName()} has. */
    static String binaryName(Type type) {
        return switch (type.getSort()) {
            case Type.ARRAY -> type.getDescriptor().replace('/', '.');
            case Type.OBJECT -> type.getInternalName().replace('/', '.');
            default -> type.getClassName();
        };
    }

    /** A method as declared. */
    static final class MethodInfo {
        final int access;
        final String name;
        final String descriptor;
        final List<Annotation> annotations = new ArrayList<>();
        /** Per parameter, its {@code @Redact} and other annotations. */
        final List<List<Annotation>> parameterAnnotations = new ArrayList<>();
        /** From the MethodParameters attribute ({@code -parameters}); null entries where unnamed. */
        final String[] declaredNames;
        /** From the local variable table ({@code -g}). */
        final String[] debugNames;
        /** The method's max_locals: the first slot free for the weaving. */
        int maxLocals;
        private int declaredCount;

        MethodInfo(int access, String name, String descriptor) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            int count = Type.getArgumentCount(descriptor);
            for (int i = 0; i < count; i++) {
                parameterAnnotations.add(new ArrayList<>());
            }
            this.declaredNames = new String[count];
            this.debugNames = new String[count];
        }

        boolean guarded() {
            for (Annotation a : annotations) {
                if (GUARDS.contains(a.type())) {
                    return true;
                }
            }
            return false;
        }

        boolean is(int flag) {
            return (access & flag) != 0;
        }

        /** The parameter's name, from -parameters or else -g; null when the class file records neither. */
        String parameterName(int i) {
            return declaredNames[i] != null ? declaredNames[i] : debugNames[i];
        }

        String key() {
            return name + descriptor;
        }
    }

    /** A field as declared. */
    record FieldInfo(String name, List<Annotation> annotations) {
    }

    private final class Reader extends ClassVisitor {

        private final boolean withCode;

        Reader(boolean withCode) {
            super(Opcodes.ASM9);
            this.withCode = withCode;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            ClassFile.this.version = version;
            ClassFile.this.access = access;
            ClassFile.this.superName = superName;
            ClassFile.this.interfaces = interfaces == null ? List.of() : List.of(interfaces);
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            FieldInfo field = new FieldInfo(name, new ArrayList<>());
            fields.add(field);
            return new FieldVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    return Annotation.collector(annotation, field.annotations());
                }
            };
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodInfo method = new MethodInfo(access, name, descriptor);
            methods.put(method.key(), method);
            return new MethodReader(method, withCode);
        }
    }

    private static final class MethodReader extends MethodVisitor {

        private final MethodInfo method;
        private final boolean withCode;
        /** The local variable slot of each parameter. */
        private final int[] slots;
        /** javac may record fewer annotatable parameters than the descriptor has; they are the last ones. */
        private int annotatableShift;
        /** The label at the start of the code: a parameter's local variable entry starts there. */
        private Label first;

        MethodReader(MethodInfo method, boolean withCode) {
            super(Opcodes.ASM9);
            this.method = method;
            this.withCode = withCode;
            Type[] arguments = Type.getArgumentTypes(method.descriptor);
            slots = new int[arguments.length];
            int slot = method.is(Opcodes.ACC_STATIC) ? 0 : 1;
            for (int i = 0; i < arguments.length; i++) {
                slots[i] = slot;
                slot += arguments[i].getSize();
            }
        }

        @Override
        public void visitParameter(String name, int access) {
            if (method.declaredCount < method.declaredNames.length) {
                method.declaredNames[method.declaredCount++] = name;
            }
        }

        @Override
        public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
            return Annotation.collector(descriptor, method.annotations);
        }

        @Override
        public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
            annotatableShift = Math.max(0, slots.length - parameterCount);
        }

        @Override
        public AnnotationVisitor visitParameterAnnotation(int parameter, String descriptor, boolean visible) {
            int index = parameter + annotatableShift;
            if (index >= method.parameterAnnotations.size()) {
                return null;
            }
            return Annotation.collector(descriptor, method.parameterAnnotations.get(index));
        }

        @Override
        public void visitLabel(Label label) {
            // Labels are visited in code order: the first is at offset 0 when anything refers to offset 0.
            if (first == null) {
                first = label;
            }
        }

        @Override
        public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
                int index) {
            if (!withCode) {
                return;
            }
            for (int i = 0; i < slots.length; i++) {
                // A parameter's entry starts with the method; a later variable may reuse the slot.
                if (slots[i] == index && method.debugNames[i] == null && start == first) {
                    method.debugNames[i] = name;
                }
            }
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            method.maxLocals = maxLocals;
        }
    }
}
