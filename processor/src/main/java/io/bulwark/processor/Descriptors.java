package io.bulwark.processor;

import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** JVM method descriptors from source elements: what the agent matches methods by. */
final class Descriptors {

    private final Elements elements;
    private final Types types;

    Descriptors(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** {@code (Ljava/lang/String;I)V}. */
    String of(ExecutableElement method) {
        StringBuilder out = new StringBuilder("(");
        for (VariableElement parameter : method.getParameters()) {
            append(out, parameter.asType());
        }
        out.append(')');
        append(out, method.getReturnType());
        return out.toString();
    }

    private void append(StringBuilder out, TypeMirror type) {
        TypeMirror erased = types.erasure(type);
        switch (erased.getKind()) {
            case BOOLEAN -> out.append('Z');
            case BYTE -> out.append('B');
            case SHORT -> out.append('S');
            case INT -> out.append('I');
            case LONG -> out.append('J');
            case CHAR -> out.append('C');
            case FLOAT -> out.append('F');
            case DOUBLE -> out.append('D');
            case VOID -> out.append('V');
            case ARRAY -> {
                out.append('[');
                append(out, ((ArrayType) erased).getComponentType());
            }
            case DECLARED -> out.append('L').append(elements.getBinaryName(
                    (TypeElement) ((DeclaredType) erased).asElement()).toString().replace('.', '/')).append(';');
            default -> throw new IllegalArgumentException("no descriptor for " + erased);
        }
    }
}
