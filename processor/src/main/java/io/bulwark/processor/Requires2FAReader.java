package io.bulwark.processor;

import io.bulwark.rules.Message;
import io.bulwark.rules.TwoFactorRules;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** Checks a method's {@code @Requires2FA} with the runtime's rules ({@link TwoFactorRules}). */
final class Requires2FAReader {

    static final String REQUIRES_2FA = "io.bulwark.Requires2FA";

    private final Elements elements;
    private final RateLimitedReader reporter;

    Requires2FAReader(Elements elements, RateLimitedReader reporter) {
        this.elements = elements;
        this.reporter = reporter;
    }

    static AnnotationMirror mirror(ExecutableElement method) {
        for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
            if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(REQUIRES_2FA)) {
                return mirror;
            }
        }
        return null;
    }

    /**
     * Whether the declaration is sound; each problem is reported at its value.
     *
     * @param bodyReported whether another guard on the method already reported that it has no body
     */
    boolean check(ExecutableElement method, AnnotationMirror mirror, boolean bodyReported) {
        if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
            if (!bodyReported) {
                String what = method.getModifiers().contains(Modifier.NATIVE) ? "a native method"
                        : "an abstract method";
                reporter.error(Message.GUARD_WITHOUT_BODY.format("Requires2FA", reporter.display(method), what),
                        method, mirror, null);
            }
            return false;
        }
        String maxAge = null;
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e
                : elements.getElementValuesWithDefaults(mirror).entrySet()) {
            if (e.getKey().getSimpleName().contentEquals("maxAge")) {
                maxAge = (String) e.getValue().getValue();
            }
        }
        try {
            TwoFactorRules.maxAge(maxAge);
            return true;
        } catch (IllegalArgumentException e) {
            reporter.error(e.getMessage(), method, mirror, "maxAge");
            return false;
        }
    }
}
