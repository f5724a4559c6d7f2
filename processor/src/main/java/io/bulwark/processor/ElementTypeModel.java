package io.bulwark.processor;

import io.bulwark.Redact;
import io.bulwark.rules.key.TypeModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * {@link TypeModel} over the compiler's model of the source: the same questions the agent answers from class
 * files, so that {@link io.bulwark.rules.key.KeyPlanner} decides alike in both places. Types are known by
 * binary name; every type met on the way is remembered, so that names can be turned back into types.
 */
final class ElementTypeModel implements TypeModel {

    private final Elements elements;
    private final Types types;
    private final Map<String, TypeMirror> known = new HashMap<>();

    ElementTypeModel(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** The binary name of {@code type}'s erasure ({@code int}, {@code com.acme.Outer$Inner}, {@code [I}). */
    String name(TypeMirror type) {
        TypeMirror erased = types.erasure(type);
        String name = switch (erased.getKind()) {
            case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE, VOID ->
                    erased.getKind().name().toLowerCase(Locale.ROOT);
            case DECLARED -> elements.getBinaryName((TypeElement) ((DeclaredType) erased).asElement()).toString();
            case ARRAY -> "[" + name(((ArrayType) erased).getComponentType());
            default -> erased.toString();
        };
        known.putIfAbsent(name, erased);
        return name;
    }

    /** The type known by {@code name}, or null. */
    TypeMirror type(String name) {
        return known.get(name);
    }

    @Override
    public List<Accessor> accessors(String typeName) {
        List<Accessor> accessors = new ArrayList<>();
        TypeMirror type = known.get(typeName);
        if (type == null || type.getKind() != TypeKind.DECLARED) {
            return accessors;
        }
        TypeElement element = (TypeElement) types.asElement(type);
        // getAllMembers hides what is overridden, so an override is what is found, as in class files.
        for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(element))) {
            TypeElement owner = (TypeElement) m.getEnclosingElement();
            if (m.getModifiers().contains(Modifier.PUBLIC) && !m.getModifiers().contains(Modifier.STATIC)
                    && m.getParameters().isEmpty() && m.getReturnType().getKind() != TypeKind.VOID
                    && !owner.getQualifiedName().contentEquals("java.lang.Object")) {
                accessors.add(new Accessor(name(owner.asType()), m.getSimpleName().toString(),
                        name(m.getReturnType())));
            }
        }
        return accessors;
    }

    @Override
    public Redact.Mode redaction(String typeName, String field) {
        TypeMirror type = known.get(typeName);
        if (type == null || type.getKind() != TypeKind.DECLARED) {
            return null;
        }
        for (TypeMirror t = type; t.getKind() == TypeKind.DECLARED; t = superclass(t)) {
            for (VariableElement f : ElementFilter.fieldsIn(types.asElement(t).getEnclosedElements())) {
                Redact redact = f.getAnnotation(Redact.class);
                if (f.getSimpleName().contentEquals(field) && redact != null) {
                    return redact.mode();
                }
            }
        }
        return null;
    }

    private TypeMirror superclass(TypeMirror type) {
        return ((TypeElement) types.asElement(type)).getSuperclass();
    }

    @Override
    public boolean isEnum(String typeName) {
        TypeMirror type = known.get(typeName);
        return type != null && type.getKind() == TypeKind.DECLARED
                && types.asElement(type).getKind() == ElementKind.ENUM;
    }
}
