package io.bulwark.agent.internal.weaving;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The protected ranges of a guarded method: the method's own code between the added entry and exit code, which the
 * woven handler covers and nothing else (so the exit code's own exceptions are never caught by it). Code added by the
 * weaving goes straight to {@code mv}; every instruction of the method's own passes through these overrides and marks
 * its range as not empty.
 */
abstract class CodeRanges extends MethodVisitor {

    /** The protected ranges so far, start and end pairs. */
    final List<Label> ranges = new ArrayList<>();
    private Label rangeStart;
    private boolean codeInRange;

    CodeRanges(MethodVisitor target) {
        super(Opcodes.ASM9, target);
    }

    final void openRange() {
        rangeStart = new Label();
        mv.visitLabel(rangeStart);
        codeInRange = false;
    }

    /** Ends the current range; kept only if it covers code (an empty range is not a valid class file entry). */
    final void closeRange() {
        Label end = new Label();
        mv.visitLabel(end);
        if (codeInRange) {
            ranges.add(rangeStart);
            ranges.add(end);
        }
        codeInRange = false;
    }

    final void code() {
        codeInRange = true;
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
