package io.bulwark.processor;

import io.bulwark.Capture;
import io.bulwark.Redact;
import io.bulwark.rules.AuditRules;
import io.bulwark.rules.Message;
import io.bulwark.rules.Problem;
import io.bulwark.rules.SecretNames;
import io.bulwark.rules.key.KeyPlan;
import io.bulwark.rules.key.KeyPlanner;
import io.bulwark.rules.key.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic;

/**
 * Reads and checks a method's {@code @Audited} with the runtime's rules: the action and resource type
 * ({@link AuditRules}), the resource templates ({@link KeyPlanner}, which refuses a redacted value), and that no
 * parameter whose name looks secret is captured unredacted unless the user said so with
 * {@code @SuppressWarnings("bulwark:unredacted")}.
 */
final class AuditedReader {

    static final String AUDITED = "io.bulwark.Audited";
    static final String REDACT = "io.bulwark.Redact";

    private final Elements elements;
    private final Messager messager;
    private final ElementTypeModel types;
    private final RateLimitedReader rateLimited;

    AuditedReader(Elements elements, Messager messager, ElementTypeModel types, RateLimitedReader rateLimited) {
        this.elements = elements;
        this.messager = messager;
        this.types = types;
        this.rateLimited = rateLimited;
    }

    static AnnotationMirror mirror(ExecutableElement method) {
        for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(AUDITED)) {
                return mirror;
            }
        }
        return null;
    }

    /**
     * The method's {@code @Audited}, checked.
     *
     * @return null when it has problems (each reported)
     */
    AuditedUse read(ExecutableElement method, AnnotationMirror mirror, boolean bodyReported) {
        if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
            if (!bodyReported) {
                String what = method.getModifiers().contains(Modifier.NATIVE)
                        ? "a native method"
                        : "an abstract method";
                rateLimited.error(Message.GUARD_WITHOUT_BODY.format("Audited", rateLimited.display(method), what),
                        method, mirror, null);
            }
            return null;
        }
        Map<? extends ExecutableElement, ? extends AnnotationValue> values =
                elements.getElementValuesWithDefaults(mirror);
        String action = (String) value(values, "action");
        String resourceType = (String) value(values, "resourceType");
        String resourceId = (String) value(values, "resourceId");
        String resourceName = (String) value(values, "resourceName");
        Capture capture = Capture.valueOf(((VariableElement) value(values, "capture")).getSimpleName().toString());
        boolean ok = true;
        for (Problem problem : AuditRules.check(action, resourceType)) {
            rateLimited.error(problem.message(), method, mirror, problem.attribute());
            ok = false;
        }
        List<Parameter> parameters = rateLimited.parameters(method);
        KeyPlan id = plan(method, mirror, "resourceId", resourceId, parameters);
        KeyPlan name = plan(method, mirror, "resourceName", resourceName, parameters);
        ok &= (resourceId.isEmpty() || id != null) && (resourceName.isEmpty() || name != null);
        List<Redact.Mode> redactions = new ArrayList<>();
        boolean capturesValues = capture == Capture.ARGS || capture == Capture.ARGS_AND_RESULT;
        for (VariableElement p : method.getParameters()) {
            Redact redact = p.getAnnotation(Redact.class);
            redactions.add(redact == null ? null : redact.mode());
            String pname = p.getSimpleName().toString();
            if (redact == null && capturesValues && SecretNames.looksSecret(pname)
                    && !Suppressions.suppressed(p, Suppressions.UNREDACTED)) {
                messager.printMessage(Diagnostic.Kind.ERROR, Message.UNREDACTED_SECRET.format(pname, capture), p);
                ok = false;
            }
        }
        return ok && parameters != null ? new AuditedUse(mirror, action, resourceType, id, name, capture, redactions)
                : null;
    }

    private KeyPlan plan(ExecutableElement method, AnnotationMirror mirror, String attribute, String template,
            List<Parameter> parameters) {
        if (template.isEmpty() || parameters == null) {
            return null;
        }
        try {
            return KeyPlanner.plan(attribute, template, parameters, types);
        } catch (KeyPlanner.InvalidTemplateException e) {
            rateLimited.error(e.getMessage(), method, mirror, attribute);
            return null;
        }
    }

    private static Object value(Map<? extends ExecutableElement, ? extends AnnotationValue> values, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : values.entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(name)) {
                return e.getValue().getValue();
            }
        }
        throw new IllegalStateException("@Audited has no " + name);
    }
}
