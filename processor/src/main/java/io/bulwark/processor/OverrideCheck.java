package io.bulwark.processor;

import io.bulwark.rules.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Guards are not inherited: the agent weaves the method that carries the annotation, and a call dispatched to an
 * override runs the override's code. So a method that overrides or implements a guarded method without carrying the
 * same guards (the same annotations with the same values) is a compile error, at the method, unless suppressed with
 * {@code @SuppressWarnings("bulwark:unguarded-override")}. The overridden method may come from this compilation or
 * from the class path (an interface in another jar): javac reads its annotations from the class file.
 */
final class OverrideCheck {

    static final String SUPPRESSION = "bulwark:unguarded-override";
    private static final Set<String> GUARDS = Set.of(RateLimitedReader.RATE_LIMITED,
            RateLimitedReader.RATE_LIMITED_LIST, AuditedReader.AUDITED, Requires2FAReader.REQUIRES_2FA);

    private final Elements elements;
    private final Types types;
    private final Messager messager;
    /** By supertype's qualified name: a round's types share their supertypes (and the JDK's are many). */
    private final Map<String, List<ExecutableElement>> guardedBySupertype = new HashMap<>();

    OverrideCheck(Elements elements, Types types, Messager messager) {
        this.elements = elements;
        this.types = types;
        this.messager = messager;
    }

    /** Checks every method of {@code type} and of the types nested in it. */
    void check(TypeElement type) {
        List<TypeElement> supertypes = new ArrayList<>();
        collectSupertypes(type.asType(), supertypes, new HashSet<>());
        // Most types inherit no guarded method: found once per supertype, the check of their own methods is skipped.
        List<ExecutableElement> guardedInherited = new ArrayList<>();
        for (TypeElement supertype : supertypes) {
            guardedInherited.addAll(guardedMethods(supertype));
        }
        if (!guardedInherited.isEmpty()) {
            for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
                if (!method.getModifiers().contains(Modifier.STATIC) && !method.getModifiers()
                        .contains(Modifier.PRIVATE)) {
                    check(type, method, guardedInherited);
                }
            }
        }
        for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
            check(nested);
        }
    }

    /** The methods of {@code type} itself that carry a guard, remembered for the compilation's other subtypes. */
    private List<ExecutableElement> guardedMethods(TypeElement type) {
        String name = type.getQualifiedName().toString();
        List<ExecutableElement> known = guardedBySupertype.get(name);
        if (known == null) {
            known = new ArrayList<>();
            for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
                if (!guards(method).isEmpty()) {
                    known.add(method);
                }
            }
            guardedBySupertype.put(name, known);
        }
        return known;
    }

    private void check(TypeElement type, ExecutableElement method, List<ExecutableElement> guardedInherited) {
        for (ExecutableElement inherited : guardedInherited) {
            if (!inherited.getSimpleName().contentEquals(method.getSimpleName())
                    || !elements.overrides(method, inherited, type)) {
                continue;
            }
            List<AnnotationMirror> guards = guards(inherited);
            if (same(guards, guards(method)) || Suppressions.suppressed(method, SUPPRESSION)) {
                continue;
            }
            messager.printMessage(Diagnostic.Kind.ERROR, Message.UNGUARDED_OVERRIDE.format(display(type, method),
                    display((TypeElement) inherited.getEnclosingElement(), inherited), names(guards)), method);
            return;
        }
    }

    private void collectSupertypes(TypeMirror type, List<TypeElement> into, Set<String> seen) {
        for (TypeMirror direct : types.directSupertypes(type)) {
            if (direct.getKind() != TypeKind.DECLARED) {
                continue;
            }
            TypeElement element = (TypeElement) ((DeclaredType) direct).asElement();
            String name = element.getQualifiedName().toString();
            if (name.equals("java.lang.Object") || !seen.add(name)) {
                continue;
            }
            into.add(element);
            collectSupertypes(direct, into, seen);
        }
    }

    private List<AnnotationMirror> guards(ExecutableElement method) {
        List<AnnotationMirror> guards = new ArrayList<>();
        for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
            Element type = mirror.getAnnotationType().asElement();
            if (type.getKind() == ElementKind.ANNOTATION_TYPE
                    && GUARDS.contains(((TypeElement) type).getQualifiedName().toString())) {
                guards.add(mirror);
            }
        }
        return guards;
    }

    /** The same annotations with the same values (defaults included), in any order. */
    private boolean same(List<AnnotationMirror> expected, List<AnnotationMirror> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        Set<String> present = new HashSet<>();
        for (AnnotationMirror mirror : actual) {
            present.add(text(mirror));
        }
        for (AnnotationMirror mirror : expected) {
            if (!present.contains(text(mirror))) {
                return false;
            }
        }
        return true;
    }

    /** The annotation with every value, defaults included, in name order: equal for equal declarations. */
    private String text(AnnotationMirror mirror) {
        Map<String, String> values = new TreeMap<>();
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> value
                : elements.getElementValuesWithDefaults(mirror).entrySet()) {
            values.put(value.getKey().getSimpleName().toString(), text(value.getValue().getValue()));
        }
        return mirror.getAnnotationType() + values.toString();
    }

    private String text(Object value) {
        if (value instanceof AnnotationMirror nested) {
            return text(nested);
        }
        if (value instanceof List<?> list) {
            List<String> texts = new ArrayList<>();
            for (Object element : list) {
                texts.add(text(element instanceof AnnotationValue v ? v.getValue() : element));
            }
            return texts.toString();
        }
        return String.valueOf(value);
    }

    private static String names(List<AnnotationMirror> guards) {
        List<String> names = new ArrayList<>();
        for (AnnotationMirror mirror : guards) {
            String name = mirror.getAnnotationType().asElement().getSimpleName().toString();
            names.add("@" + (name.equals("List") ? "RateLimited" : name));
        }
        return String.join(" and ", names);
    }

    private static String display(TypeElement type, ExecutableElement method) {
        List<String> parameters = new ArrayList<>();
        for (var parameter : method.getParameters()) {
            parameters.add(parameter.asType().toString());
        }
        return type.getQualifiedName() + "." + method.getSimpleName() + "(" + String.join(", ", parameters) + ")";
    }
}
