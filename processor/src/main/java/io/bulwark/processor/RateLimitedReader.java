package io.bulwark.processor;

import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.Redact;
import io.bulwark.StoreFailure;
import io.bulwark.rules.Message;
import io.bulwark.rules.Problem;
import io.bulwark.rules.RateLimitRules;
import io.bulwark.rules.key.KeyPlan;
import io.bulwark.rules.key.KeyPlanner;
import io.bulwark.rules.key.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Reads the {@code @RateLimited} of a method from the compiler's model and checks each against the rules the
 * runtime applies ({@link RateLimitRules}, {@link KeyPlanner}), reporting every problem at the offending value.
 */
final class RateLimitedReader {

    static final String RATE_LIMITED = RateLimited.class.getCanonicalName();
    static final String RATE_LIMITED_LIST = RateLimited.List.class.getCanonicalName();

    private final Elements elements;
    private final Messager messager;
    private final ElementTypeModel types;

    RateLimitedReader(Elements elements, Messager messager, ElementTypeModel types) {
        this.elements = elements;
        this.messager = messager;
        this.types = types;
    }

    /** The method's uses of {@code @RateLimited}, in source order; null when any of them has a problem. */
    List<RateLimitedUse> read(ExecutableElement method) {
        List<AnnotationMirror> mirrors = mirrors(method);
        if (mirrors.isEmpty()) {
            return List.of();
        }
        if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
            String what = method.getModifiers().contains(Modifier.NATIVE) ? "a native method" : "an abstract method";
            error(Message.GUARD_WITHOUT_BODY.format("RateLimited", display(method), what), method, mirrors.get(0),
                    null);
            return null;
        }
        List<Parameter> parameters = parameters(method);
        boolean ok = true;
        List<RateLimitedUse> uses = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (AnnotationMirror mirror : mirrors) {
            RateLimitedUse use = read(method, mirror, parameters);
            if (use == null) {
                ok = false;
                continue;
            }
            if (!names.add(use.name())) {
                error(Message.POLICY_TWICE_ON_METHOD.format(use.name()), method, mirror, "name");
                ok = false;
            }
            uses.add(use);
        }
        return ok ? uses : null;
    }

    private RateLimitedUse read(ExecutableElement method, AnnotationMirror mirror, List<Parameter> parameters) {
        Map<? extends ExecutableElement, ? extends AnnotationValue> values =
                elements.getElementValuesWithDefaults(mirror);
        String written = (String) value(values, "name");
        String name = written.isEmpty() ? elements.getBinaryName((TypeElement) method.getEnclosingElement()) + "."
                + method.getSimpleName() : written;
        int limit = (Integer) value(values, "limit");
        String window = (String) value(values, "window");
        String key = (String) value(values, "key");
        Count count = Count.valueOf(((VariableElement) value(values, "count")).getSimpleName().toString());
        String lockout = (String) value(values, "lockout");
        List<String> failureOn = new ArrayList<>();
        for (Object type : (List<?>) value(values, "failureOn")) {
            failureOn.add(types.name((TypeMirror) ((AnnotationValue) type).getValue()));
        }
        boolean resetOnSuccess = (Boolean) value(values, "resetOnSuccess");
        StoreFailure onStoreFailure = StoreFailure.valueOf(
                ((VariableElement) value(values, "onStoreFailure")).getSimpleName().toString());
        boolean ok = true;
        for (Problem problem : RateLimitRules.check(new RateLimitRules.Declaration(name, limit, window, count, lockout,
                !failureOn.isEmpty(), resetOnSuccess))) {
            error(problem.message(), method, mirror, problem.attribute());
            ok = false;
        }
        KeyPlan plan = null;
        if (parameters != null) {
            try {
                plan = KeyPlanner.plan(key, parameters, types);
            } catch (KeyPlanner.InvalidTemplateException e) {
                error(e.getMessage(), method, mirror, "key");
                ok = false;
            }
        }
        return ok ? new RateLimitedUse(mirror, name, limit, window, key, count, lockout, failureOn, resetOnSuccess,
                onStoreFailure, plan) : null;
    }

    /**
     * The parameters with their names, types and redaction, or null when a type does not compile (javac says so
     * already).
     */
    List<Parameter> parameters(ExecutableElement method) {
        List<Parameter> parameters = new ArrayList<>();
        for (VariableElement p : method.getParameters()) {
            if (p.asType().getKind() == TypeKind.ERROR) {
                return null;
            }
            Redact redact = p.getAnnotation(Redact.class);
            parameters.add(new Parameter(p.getSimpleName().toString(), types.name(p.asType()),
                    redact == null ? null : redact.mode()));
        }
        return parameters;
    }

    /** The {@code @RateLimited} mirrors of {@code method}, unwrapping the repeatable container. */
    static List<AnnotationMirror> mirrors(ExecutableElement method) {
        List<AnnotationMirror> mirrors = new ArrayList<>();
        for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
            String type = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
            if (type.equals(RATE_LIMITED)) {
                mirrors.add(mirror);
            } else if (type.equals(RATE_LIMITED_LIST)) {
                for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                        : mirror.getElementValues().entrySet()) {
                    for (Object inner : (List<?>) e.getValue().getValue()) {
                        mirrors.add((AnnotationMirror) ((AnnotationValue) inner).getValue());
                    }
                }
            }
        }
        return mirrors;
    }

    private static Object value(Map<? extends ExecutableElement, ? extends AnnotationValue> values, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(name)) {
                return e.getValue().getValue();
            }
        }
        throw new IllegalStateException("@RateLimited has no " + name);
    }

    /**
     * Reports at the attribute's value when it is written out, else at the annotation. A repeated annotation is
     * an exception javac imposes: it wraps repeated annotations in a synthesized container, and what the
     * {@code javax.lang.model} API can hand back is the container's content, which javac cannot place, so the
     * diagnostic lands on the method (the message names the policy).
     */
    void error(String message, ExecutableElement method, AnnotationMirror mirror, String attribute) {
        AnnotationValue at = null;
        if (attribute != null) {
            for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                    : mirror.getElementValues().entrySet()) {
                if (e.getKey().getSimpleName().contentEquals(attribute)) {
                    at = e.getValue();
                }
            }
        }
        messager.printMessage(Diagnostic.Kind.ERROR, message, method, mirror, at);
    }

    /** {@code com.acme.AuthService.login(String, String)}, as the runtime names methods. */
    String display(ExecutableElement method) {
        StringBuilder out = new StringBuilder(elements.getBinaryName((TypeElement) method.getEnclosingElement()))
                .append('.').append(method.getSimpleName()).append('(');
        List<? extends VariableElement> parameters = method.getParameters();
        for (int i = 0; i < parameters.size(); i++) {
            String type = types.name(parameters.get(i).asType());
            out.append(i == 0 ? "" : ", ").append(type.substring(type.lastIndexOf('.') + 1));
        }
        return out.append(')').toString();
    }
}
