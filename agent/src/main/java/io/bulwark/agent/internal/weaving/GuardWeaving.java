package io.bulwark.agent.internal.weaving;

import io.bulwark.rules.AsyncReturns;
import io.bulwark.runtime.guard.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Writes the guards into a class's methods, in place, with ASM. A guarded method becomes, in effect:
 *
 * <pre>
 * Object token = Dispatch.enter(ID, new Object[] {args...});   // or null when no guard reads the arguments
 * try {
 *     ...the method's own code; at each return:
 *     Dispatch.exit(ID, token, result, null);                   // result boxed, or null unless it is recorded
 *     return result;
 * } catch (Throwable thrown) {
 *     Dispatch.exit(ID, token, null, thrown);
 *     throw thrown;
 * }
 * </pre>
 *
 * and only the first line when nothing settles after the call. A refusal is thrown by {@code enter}, before the
 * method's code runs; {@code exit} never throws (the runtime catches what goes wrong in it), so the method's own
 * result or exception always stands.
 *
 * <p>Asynchronous methods ({@link AsyncReturns}) are woven so that a refusal reaches the caller the way the type
 * delivers errors, and the guards settle when the result does. A method returning a {@code CompletionStage} or
 * {@code CompletableFuture} begins
 *
 * <pre>
 * Object token = Dispatch.enterStage(ID, args);                // the refusal is returned, not thrown
 * if (token instanceof RuntimeException) return CompletableFuture.failedFuture((Throwable) token);
 * </pre>
 *
 * and is otherwise woven as above; {@code exit} is handed the stage returned (the same object, unchanged) and settles
 * when it completes. A method returning Reactor's {@code Mono} or {@code Flux} is guarded at each subscription instead
 * of at each call, so that every subscription (a retry too) is one attempt, checked for the caller in the
 * subscriber's context. It begins
 *
 * <pre>
 * if (Dispatch.deferring(ID)) {
 *     return (Mono) indy#mono(ID, args, () -&gt; this.method(a0, a1, ...));   // Bulwark's Reactor helper
 * }
 * ...the method's own code, untouched
 * </pre>
 *
 * <p>The wrapping is what makes subscription-time guards possible without changing what the publisher delivers: the
 * helper's {@code Mono}/{@code Flux}, at each subscription, applies the guards, calls the method again (not
 * virtually: the same body, whatever overrides it) to get the publisher its body builds, and passes every signal of
 * that publisher through as it is, settling on the way. So the body itself runs only once the guards admitted the
 * attempt: a body that does its work eagerly ({@code Mono.just(check(password))}) is guarded too, and one that throws
 * while building its publisher delivers that as an error signal, as {@code Mono.defer} would. The call again carries
 * a mark only {@code Dispatch.body} sets, for a call the runtime admitted, so the application cannot reach the body
 * without the guards.
 * The helper is reached through {@code invokedynamic}, linked on first call, because it lives in the woven class's
 * own class loader (the agent defines it there: only that loader sees the application's Reactor; see
 * {@code ReactorLinker}); the lambda is the JDK's {@code LambdaMetafactory}, so no method is added to the class.
 *
 * <p>Why not Byte Buddy's {@code Advice}, which did this before: setting it up loads some 700 classes, which on 2
 * cores added a quarter of a second to the start of every application (benchmarks/README.md). This is the same
 * code, written directly with ASM ({@code org.ow2.asm}, relocated), and nothing else: the agent no longer depends on
 * Byte Buddy at all (issue 15).
 *
 * <p>How it stays valid without recomputing stack map frames (which would need the class hierarchy, that is,
 * loading classes): the token goes in a new local slot past the method's own ({@code max_locals}), set before
 * any frame, and every frame of the method is extended with it; the handler's frame declares nothing but the
 * token; the code added at a return has no branch and so needs no frame; the woven handler's ranges leave out the
 * added exit code, so that its exceptions are never caught by that handler. No method or field is added (only
 * constant pool entries), so the same bytes serve a class being loaded and one being retransformed.
 *
 * <p>Known limit: where a compiler placed a return inside one of the method's own protected ranges (javac splits
 * its ranges around returns; ecj, for one, does not always), the exit code added there is inside that range too.
 * {@code exit} never throws, so only an error of the VM itself at that point (a stack overflow at the call, memory
 * running out while boxing the result) would reach the method's own handler, for an exception its body never threw.
 * Splitting the method's own ranges around the exit code would close this; it is not done.
 */
final class GuardWeaving {

    private static final String DISPATCH = "io/bulwark/internal/Dispatch";
    private static final String ENTER = "(I[Ljava/lang/Object;)Ljava/lang/Object;";
    private static final String EXIT = "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)V";
    private static final String DEFERRING = "(I)Z";
    private static final String SUPPLIER = "java/util/function/Supplier";
    private static final Handle LAMBDA_METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC,
            "java/lang/invoke/LambdaMetafactory", "metafactory",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
                    + "Ljava/lang/invoke/CallSite;", false);
    private static final Handle LINK_REACTIVE = new Handle(Opcodes.H_INVOKESTATIC, DISPATCH, "linkReactive",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)"
                    + "Ljava/lang/invoke/CallSite;", false);
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";
    /** The most the added code ever puts on the operand stack above the method's own. */
    private static final int EXTRA_STACK = 8;
    /** max_stack and max_locals are unsigned 16-bit numbers. */
    private static final int MAX_SIZE = 0xFFFF;
    /** Classes from Java 6 on carry stack map frames. */
    private static final int FIRST_VERSION_WITH_FRAMES = Opcodes.V1_6;

    /** Classes from Java 8 on may carry the invokedynamic and lambda a Mono/Flux method is woven with. */
    static final int FIRST_VERSION_WITH_LAMBDAS = Opcodes.V1_8;

    /**
     * A method to weave: its registration, the first local slot the method does not use, and how it delivers its
     * outcome.
     */
    record Plan(Registration registration, int freeSlot, AsyncReturns.Shape returns) {

        Plan(Registration registration, int freeSlot) {
            this(registration, freeSlot, AsyncReturns.Shape.PLAIN);
        }
    }

    private GuardWeaving() {
    }

    /** {@code bytes} with the guards of {@code plans} (by method name + descriptor) woven in. */
    static byte[] weave(byte[] bytes, Map<String, Plan> plans) {
        ClassReader reader = new ClassReader(bytes);
        // Given the reader, the writer copies the constant pool and, unchanged, the methods it is not asked to
        // change. No COMPUTE_ flags: maxima and frames are written here, so no class is ever loaded to compute them.
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private boolean frames;
            private String owner;
            private boolean isInterface;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                frames = (version & 0xFFFF) >= FIRST_VERSION_WITH_FRAMES;
                owner = name;
                isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor target = super.visitMethod(access, name, descriptor, signature, exceptions);
                Plan plan = plans.get(name + descriptor);
                return plan == null ? target : new GuardedMethod(target, plan, access, owner, isInterface, name,
                        descriptor, frames);
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    private static final class GuardedMethod extends MethodVisitor {

        private final Registration registration;
        private final AsyncReturns.Shape returns;
        /** Whether a token is kept and the guards settled as the method returns or throws (not for Mono/Flux). */
        private final boolean settlesHere;
        private final String owner;
        private final boolean ownerIsInterface;
        private final String name;
        private final String descriptor;
        private final boolean isStatic;
        private final Type[] arguments;
        private final Type returned;
        private final boolean frames;
        /** Where the token lives, and past it a scratch slot for a boxed result or the thrown exception. */
        private final int token;
        private final int scratch;
        /** The protected ranges so far, start and end pairs. */
        private final List<Label> ranges = new ArrayList<>();
        private Label rangeStart;
        private boolean codeInRange;

        GuardedMethod(MethodVisitor target, Plan plan, int access, String owner, boolean ownerIsInterface,
                String name, String descriptor, boolean frames) {
            super(Opcodes.ASM9, target);
            if (plan.freeSlot() + 2 > MAX_SIZE) {
                // ASM would write a truncated max_locals: a class that fails verification, not a clean refusal.
                throw new IllegalStateException("no local variable slot is left for the guard");
            }
            this.registration = plan.registration();
            this.returns = plan.returns();
            this.settlesHere = registration.settles()
                    && (returns == AsyncReturns.Shape.PLAIN || returns == AsyncReturns.Shape.STAGE);
            this.owner = owner;
            this.ownerIsInterface = ownerIsInterface;
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.arguments = Type.getArgumentTypes(descriptor);
            this.returned = Type.getReturnType(descriptor);
            this.frames = frames;
            this.token = plan.freeSlot();
            this.scratch = plan.freeSlot() + 1;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (returns == AsyncReturns.Shape.MONO || returns == AsyncReturns.Shape.FLUX) {
                deferToSubscription();
                return;
            }
            pushGuardId();
            pushArgumentsIfRead();
            if (returns == AsyncReturns.Shape.STAGE) {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enterStage", ENTER, false);
                returnFailedStageIfRefused();
            } else {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enter", ENTER, false);
            }
            if (!settlesHere) {
                mv.visitInsn(Opcodes.POP);
                return;
            }
            mv.visitVarInsn(Opcodes.ASTORE, token);
            openRange();
        }

        private void pushArgumentsIfRead() {
            if (registration.readsArguments()) {
                pushArguments();
            } else {
                mv.visitInsn(Opcodes.ACONST_NULL);
            }
        }

        /** With the token or the refusal on the stack: returns the refusal as a failed stage, else leaves the token. */
        private void returnFailedStageIfRefused() {
            Label admitted = new Label();
            mv.visitInsn(Opcodes.DUP);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/lang/RuntimeException");
            mv.visitJumpInsn(Opcodes.IFEQ, admitted);
            mv.visitTypeInsn(Opcodes.CHECKCAST, THROWABLE);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/concurrent/CompletableFuture", "failedFuture",
                    "(Ljava/lang/Throwable;)Ljava/util/concurrent/CompletableFuture;", false);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitLabel(admitted);
            if (frames) {
                List<Object> locals = initialLocals();
                mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 1, new Object[] {OBJECT});
            }
        }

        /** The Mono/Flux prologue (see the class comment): the deferred publisher, unless this call runs the body. */
        private void deferToSubscription() {
            Label body = new Label();
            pushGuardId();
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "deferring", DEFERRING, false);
            mv.visitJumpInsn(Opcodes.IFEQ, body);
            pushGuardId();
            pushArgumentsIfRead();
            StringBuilder captured = new StringBuilder("(");
            int slot = 0;
            if (!isStatic) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                captured.append('L').append(owner).append(';');
                slot = 1;
            }
            for (Type argument : arguments) {
                mv.visitVarInsn(argument.getOpcode(Opcodes.ILOAD), slot);
                captured.append(argument.getDescriptor());
                slot += argument.getSize();
            }
            captured.append(")L").append(SUPPLIER).append(';');
            // Not virtual (invokespecial): the body of this very method, even where a subclass overrides it.
            Handle self = new Handle(isStatic ? Opcodes.H_INVOKESTATIC : Opcodes.H_INVOKESPECIAL, owner, name,
                    descriptor, ownerIsInterface);
            mv.visitInvokeDynamicInsn("get", captured.toString(), LAMBDA_METAFACTORY,
                    Type.getType("()Ljava/lang/Object;"), self, Type.getMethodType(returned));
            mv.visitInvokeDynamicInsn(returns == AsyncReturns.Shape.MONO ? "mono" : "flux",
                    "(I[Ljava/lang/Object;L" + SUPPLIER + ";)" + returned.getDescriptor(), LINK_REACTIVE);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitLabel(body);
            if (frames) {
                List<Object> locals = initialLocals();
                mv.visitFrame(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
            }
            // The method's own first instruction may carry a frame of its own (a loop at its start): not at
            // this offset.
            mv.visitInsn(Opcodes.NOP);
        }

        /** The frame's locals as the method is entered: {@code this}, then the parameters. */
        private List<Object> initialLocals() {
            List<Object> locals = new ArrayList<>();
            if (!isStatic) {
                locals.add(owner);
            }
            for (Type argument : arguments) {
                locals.add(switch (argument.getSort()) {
                    case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
                    case Type.FLOAT -> Opcodes.FLOAT;
                    case Type.LONG -> Opcodes.LONG;
                    case Type.DOUBLE -> Opcodes.DOUBLE;
                    case Type.ARRAY -> argument.getDescriptor();
                    default -> argument.getInternalName();
                });
            }
            return locals;
        }

        @Override
        public void visitInsn(int opcode) {
            if (settlesHere && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                closeRange();
                if (registration.needsResult()) {
                    boxCopyOfResult();
                } else {
                    mv.visitInsn(Opcodes.ACONST_NULL);
                }
                mv.visitVarInsn(Opcodes.ASTORE, scratch);
                pushGuardId();
                mv.visitVarInsn(Opcodes.ALOAD, token);
                mv.visitVarInsn(Opcodes.ALOAD, scratch);
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exit", EXIT, false);
                mv.visitInsn(opcode);
                openRange();
                return;
            }
            code();
            super.visitInsn(opcode);
        }

        /** Every frame of the method also holds the token, in its slot past the method's own locals. */
        @Override
        public void visitFrame(int type, int localCount, Object[] locals, int stackCount, Object[] stack) {
            if (!settlesHere) {
                super.visitFrame(type, localCount, locals, stackCount, stack);
                return;
            }
            if (type != Opcodes.F_NEW) {
                throw new IllegalStateException("compressed frame in an expanded read");
            }
            List<Object> extended = new ArrayList<>();
            int slots = 0;
            for (int i = 0; i < localCount; i++) {
                extended.add(locals[i]);
                slots += locals[i] == Opcodes.LONG || locals[i] == Opcodes.DOUBLE ? 2 : 1;
            }
            super.visitFrame(Opcodes.F_NEW, withToken(extended, slots), extended.toArray(), stackCount, stack);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            // The Mono/Flux prologue holds the id, the arguments' array, then this and every argument.
            int extra = Math.max(EXTRA_STACK, 4 + Type.getArgumentsAndReturnSizes(descriptor) / 4);
            if (maxStack + extra > MAX_SIZE) {
                throw new IllegalStateException("the method's operand stack is at its limit: no room for the guard");
            }
            if (!settlesHere) {
                super.visitMaxs(maxStack + extra, maxLocals);
                return;
            }
            closeRange();
            if (!ranges.isEmpty()) {
                Label handler = new Label();
                mv.visitLabel(handler);
                if (frames) {
                    List<Object> locals = new ArrayList<>();
                    int count = withToken(locals, 0);
                    mv.visitFrame(Opcodes.F_NEW, count, locals.toArray(), 1, new Object[] {THROWABLE});
                }
                mv.visitVarInsn(Opcodes.ASTORE, scratch);
                pushGuardId();
                mv.visitVarInsn(Opcodes.ALOAD, token);
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitVarInsn(Opcodes.ALOAD, scratch);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "exit", EXIT, false);
                mv.visitVarInsn(Opcodes.ALOAD, scratch);
                mv.visitInsn(Opcodes.ATHROW);
                // After the method's own entries: its handlers come first, this one is the outermost.
                for (int i = 0; i < ranges.size(); i += 2) {
                    mv.visitTryCatchBlock(ranges.get(i), ranges.get(i + 1), handler, THROWABLE);
                }
            }
            super.visitMaxs(maxStack + extra, Math.max(maxLocals, scratch + 1));
        }

        /** Pads {@code locals} (which fill {@code slots} slots) with TOP up to the token's slot, then adds it. */
        private int withToken(List<Object> locals, int slots) {
            for (int slot = slots; slot < token; slot++) {
                locals.add(Opcodes.TOP);
            }
            locals.add(OBJECT);
            return locals.size();
        }

        private void openRange() {
            rangeStart = new Label();
            mv.visitLabel(rangeStart);
            codeInRange = false;
        }

        /** Ends the current range; kept only if it covers code (an empty range is not a valid class file entry). */
        private void closeRange() {
            Label end = new Label();
            mv.visitLabel(end);
            if (codeInRange) {
                ranges.add(rangeStart);
                ranges.add(end);
            }
            codeInRange = false;
        }

        private void code() {
            codeInRange = true;
        }

        private void pushGuardId() {
            push(registration.id());
        }

        private void push(int value) {
            if (value >= -1 && value <= 5) {
                mv.visitInsn(Opcodes.ICONST_0 + value);
            } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.BIPUSH, value);
            } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.SIPUSH, value);
            } else {
                mv.visitLdcInsn(value);
            }
        }

        /** {@code new Object[] {a0, a1, ...}}, primitives boxed. */
        private void pushArguments() {
            push(arguments.length);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < arguments.length; i++) {
                mv.visitInsn(Opcodes.DUP);
                push(i);
                mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
                box(arguments[i]);
                mv.visitInsn(Opcodes.AASTORE);
                slot += arguments[i].getSize();
            }
        }

        /** Leaves the returned value where it is and a boxed copy above it ({@code null} for void). */
        private void boxCopyOfResult() {
            if (returned.getSort() == Type.VOID) {
                mv.visitInsn(Opcodes.ACONST_NULL);
                return;
            }
            mv.visitInsn(returned.getSize() == 2 ? Opcodes.DUP2 : Opcodes.DUP);
            box(returned);
        }

        private void box(Type type) {
            String wrapper = switch (type.getSort()) {
                case Type.BOOLEAN -> "java/lang/Boolean";
                case Type.CHAR -> "java/lang/Character";
                case Type.BYTE -> "java/lang/Byte";
                case Type.SHORT -> "java/lang/Short";
                case Type.INT -> "java/lang/Integer";
                case Type.FLOAT -> "java/lang/Float";
                case Type.LONG -> "java/lang/Long";
                case Type.DOUBLE -> "java/lang/Double";
                default -> null;
            };
            if (wrapper != null) {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, wrapper, "valueOf",
                        "(" + type.getDescriptor() + ")L" + wrapper + ";", false);
            }
        }

        // Every instruction of the method's own marks its range as not empty.

        @Override
        public void visitIntInsn(int opcode, int operand) {
            code();
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            code();
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            code();
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            code();
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            code();
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
            code();
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            code();
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitLdcInsn(Object value) {
            code();
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            code();
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            code();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            code();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            code();
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }
    }
}
