package io.bulwark.agent.internal.weaving;

import io.bulwark.rules.AsyncReturns;
import io.bulwark.runtime.guard.Registration;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One guarded method as {@link GuardWeaving} rewrites it (the shapes are in its class comment): the entry code (and
 * the Mono/Flux prologue), the exit code at each return, the outermost handler, and every frame extended with the
 * token's slot. The protected ranges the handler covers are kept by {@link CodeRanges}.
 */
final class GuardedMethod extends CodeRanges {

    private static final String DISPATCH = "io/bulwark/internal/Dispatch";
    private static final String ENTER = "(I[Ljava/lang/Object;)Ljava/lang/Object;";
    private static final String ENTER_ARGUMENT = "(ILjava/lang/Object;)Ljava/lang/Object;";
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

    GuardedMethod(MethodVisitor target, GuardWeaving.Plan plan, int access, String owner,
            boolean ownerIsInterface, String name, String descriptor, boolean frames) {
        super(target);
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
        int argument = registration.argument();
        if (returns == AsyncReturns.Shape.PLAIN && argument >= 0 && argument < arguments.length) {
            // The one argument the guards read, alone: no array, no boxes of the others (see Dispatch.enterArgument).
            pushArgument(argument);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enterArgument", ENTER_ARGUMENT, false);
        } else if (returns == AsyncReturns.Shape.STAGE) {
            pushArgumentsIfRead();
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, DISPATCH, "enterStage", ENTER, false);
            returnFailedStageIfRefused();
        } else {
            pushArgumentsIfRead();
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

    private void pushGuardId() {
        Emit.push(mv, registration.id());
    }

    /** {@code new Object[] {a0, a1, ...}}, primitives boxed. */
    private void pushArguments() {
        Emit.push(mv, arguments.length);
        mv.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < arguments.length; i++) {
            mv.visitInsn(Opcodes.DUP);
            Emit.push(mv, i);
            mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
            Emit.box(mv, arguments[i]);
            mv.visitInsn(Opcodes.AASTORE);
            slot += arguments[i].getSize();
        }
    }

    /** Argument {@code index}, boxed if primitive. */
    private void pushArgument(int index) {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < index; i++) {
            slot += arguments[i].getSize();
        }
        mv.visitVarInsn(arguments[index].getOpcode(Opcodes.ILOAD), slot);
        Emit.box(mv, arguments[index]);
    }

    /** Leaves the returned value where it is and a boxed copy above it ({@code null} for void). */
    private void boxCopyOfResult() {
        if (returned.getSort() == Type.VOID) {
            mv.visitInsn(Opcodes.ACONST_NULL);
            return;
        }
        mv.visitInsn(returned.getSize() == 2 ? Opcodes.DUP2 : Opcodes.DUP);
        Emit.box(mv, returned);
    }
}
