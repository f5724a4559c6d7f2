package io.bulwark.processor;

import io.bulwark.Count;
import io.bulwark.rules.AsyncReturns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Guards that need a call's outcome ({@code count = FAILURES}, {@code @Audited}) on a method whose result completes
 * later in a way Bulwark does not follow ({@link AsyncReturns}): an error at the guard, in the words the agent uses
 * when it refuses such a method.
 */
final class AsyncReturnCheck {

    private final Types types;
    private final ElementTypeModel model;
    private final Messager messager;

    AsyncReturnCheck(Types types, ElementTypeModel model, Messager messager) {
        this.types = types;
        this.model = model;
        this.messager = messager;
    }

    /** Reports the problem, if any; returns whether the method passed. */
    boolean check(ExecutableElement method, List<RateLimitedUse> uses, AnnotationMirror audited) {
        RateLimitedUse failures = null;
        for (RateLimitedUse use : uses) {
            if (use.count() == Count.FAILURES) {
                failures = use;
                break;
            }
        }
        if (failures == null && audited == null) {
            return true;
        }
        List<? extends VariableElement> parameters = method.getParameters();
        String last = parameters.isEmpty() ? null : model.name(parameters.get(parameters.size() - 1).asType());
        String returned = model.name(method.getReturnType());
        AsyncReturns.Shape shape = AsyncReturns.of(returned, last, this::supertypes);
        String problem = AsyncReturns.problem(shape, returned, AsyncReturns.CONTINUATION.equals(last),
                failures != null, audited != null);
        if (problem == null) {
            return true;
        }
        if (failures != null) {
            messager.printMessage(Diagnostic.Kind.ERROR, problem, method, failures.mirror(),
                    value(failures.mirror(), "count"));
        } else {
            messager.printMessage(Diagnostic.Kind.ERROR, problem, method, audited);
        }
        return false;
    }

    private List<String> supertypes(String name) {
        TypeMirror type = model.type(name);
        List<String> names = new ArrayList<>();
        if (type != null) {
            for (TypeMirror supertype : types.directSupertypes(type)) {
                names.add(model.name(supertype));
            }
        }
        return names;
    }

    private static AnnotationValue value(AnnotationMirror mirror, String attribute) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : mirror.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(attribute)) {
                return e.getValue();
            }
        }
        return null;
    }
}
