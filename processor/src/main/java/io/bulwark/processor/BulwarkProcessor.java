package io.bulwark.processor;

import com.google.auto.service.AutoService;
import io.bulwark.Audited;
import io.bulwark.Capture;
import io.bulwark.rules.Message;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Bulwark's annotation processor: checks every guard at compile time with the rules the agent would apply at run
 * time, reporting each problem at its line and value; then, for every class whose guards are sound, writes its
 * index entry ({@link IndexWriter}) and its typed key extractors ({@link ExtractorsWriter}).
 *
 * <p>It never throws into javac: an unexpected failure becomes one error naming the class being processed.
 */
@AutoService(Processor.class)
public final class BulwarkProcessor extends AbstractProcessor {

    private final PolicyNames policies = new PolicyNames();

    private static final Set<String> ANNOTATIONS = Set.of(RateLimitedReader.RATE_LIMITED,
            RateLimitedReader.RATE_LIMITED_LIST, AuditedReader.AUDITED, AuditedReader.REDACT,
            Requires2FAReader.REQUIRES_2FA);

    /**
     * Every type, not only the annotated ones: a class that overrides a guarded method of a supertype (an interface
     * in another jar, say) may carry no Bulwark annotation at all, and must still be checked ({@link OverrideCheck}).
     * Nothing is claimed ({@link #process} returns false), so other processors see every annotation as before.
     */
    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        OverrideCheck overrides = new OverrideCheck(processingEnv.getElementUtils(), processingEnv.getTypeUtils(),
                processingEnv.getMessager());
        for (TypeElement type : ElementFilter.typesIn(round.getRootElements())) {
            try {
                overrides.check(type);
            } catch (RuntimeException | LinkageError e) {
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                        Message.PROCESSOR_FAILED.format(type.getQualifiedName(), e), type);
            }
        }
        Map<String, List<ExecutableElement>> byClass = new TreeMap<>();
        Map<String, TypeElement> classes = new TreeMap<>();
        for (TypeElement annotation : annotations) {
            if (!ANNOTATIONS.contains(annotation.getQualifiedName().toString())) {
                continue;
            }
            if (annotation.getQualifiedName().contentEquals(AuditedReader.REDACT)) {
                for (Element element : round.getElementsAnnotatedWith(annotation)) {
                    redactWithoutCapture(element);
                }
                continue;
            }
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                if (element.getKind() == ElementKind.METHOD) {
                    TypeElement type = (TypeElement) element.getEnclosingElement();
                    String name = processingEnv.getElementUtils().getBinaryName(type).toString();
                    classes.put(name, type);
                    List<ExecutableElement> methods = byClass.computeIfAbsent(name, n -> new ArrayList<>());
                    if (!methods.contains(element)) {
                        methods.add((ExecutableElement) element);
                    }
                }
            }
        }
        for (Map.Entry<String, List<ExecutableElement>> entry : byClass.entrySet()) {
            TypeElement type = classes.get(entry.getKey());
            try {
                process(type, entry.getValue());
            } catch (RuntimeException | IOException | LinkageError e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                        Message.PROCESSOR_FAILED.format(entry.getKey(), trace), type);
            }
        }
        return false;
    }

    /**
     * A warning for {@code @Redact} on a parameter whose method records no argument values: it still keeps the value
     * out of keys and resource names, but the user probably meant it for an audit that does not happen.
     */
    private void redactWithoutCapture(Element element) {
        // A record component's @Redact also lands on the canonical constructor's parameters: only methods count.
        if (element.getKind() != ElementKind.PARAMETER || element.getEnclosingElement().getKind() != ElementKind.METHOD
                || Suppressions.suppressed(element, Suppressions.REDACT)) {
            return;
        }
        ExecutableElement method = (ExecutableElement) element.getEnclosingElement();
        Audited audited = method.getAnnotation(Audited.class);
        String why = audited == null ? Message.REDACT_UNAUDITED_METHOD.format()
                : audited.capture() == Capture.NONE ? Message.REDACT_NOTHING_CAPTURED.format(audited.capture()) : null;
        if (why != null) {
            processingEnv.getMessager().printMessage(kind(Message.REDACT_NOT_CAPTURED),
                    Message.REDACT_NOT_CAPTURED.format(element.getSimpleName(), why), element);
        }
    }

    /** The catalogue's kind of {@code message} as javac's. */
    static Diagnostic.Kind kind(Message message) {
        return message.kind() == Message.Kind.WARNING ? Diagnostic.Kind.WARNING : Diagnostic.Kind.ERROR;
    }

    /** Whether every type in the method's signature compiled. */
    private static boolean compiles(ExecutableElement method) {
        if (method.getReturnType().getKind() == TypeKind.ERROR) {
            return false;
        }
        for (VariableElement parameter : method.getParameters()) {
            if (parameter.asType().getKind() == TypeKind.ERROR) {
                return false;
            }
        }
        return true;
    }

    private void process(TypeElement type, List<ExecutableElement> methods) throws IOException {
        var elements = processingEnv.getElementUtils();
        var types = processingEnv.getTypeUtils();
        ElementTypeModel model = new ElementTypeModel(elements, types);
        RateLimitedReader reader = new RateLimitedReader(elements, processingEnv.getMessager(), model);
        AuditedReader audited = new AuditedReader(elements, processingEnv.getMessager(), model, reader);
        Requires2FAReader stepUps = new Requires2FAReader(elements, reader);
        Descriptors descriptors = new Descriptors(elements, types);
        AsyncReturnCheck async = new AsyncReturnCheck(types, model, processingEnv.getMessager());
        List<GuardedMethod> guarded = new ArrayList<>();
        boolean sound = true;
        for (ExecutableElement method : methods) {
            if (!compiles(method)) {
                // javac reports the missing type; there is nothing sound to index or generate for this class.
                sound = false;
                continue;
            }
            List<RateLimitedUse> uses = reader.read(method);
            AnnotationMirror auditMirror = AuditedReader.mirror(method);
            AuditedUse audit = auditMirror == null ? null : audited.read(method, auditMirror, uses == null);
            AnnotationMirror stepUpMirror = Requires2FAReader.mirror(method);
            boolean bodyReported = uses == null || !uses.isEmpty() || auditMirror != null;
            boolean stepUpSound = stepUpMirror == null || stepUps.check(method, stepUpMirror, bodyReported);
            if (uses == null || auditMirror != null && audit == null || !stepUpSound
                    || !async.check(method, uses, auditMirror)) {
                sound = false;
                continue;
            }
            for (RateLimitedUse use : uses) {
                String conflict = policies.conflict(use, reader.display(method));
                if (conflict != null) {
                    reader.error(conflict, method, use.mirror(), "name");
                    sound = false;
                }
            }
            guarded.add(new GuardedMethod(method, descriptors.of(method), uses, audit, stepUpMirror != null));
        }
        if (!sound) {
            return;
        }
        guarded.sort(Comparator.comparing(GuardedMethod::name).thenComparing(GuardedMethod::descriptor));
        // Nothing is written for a class with a problem: the build fails, and a half index would mislead.
        ExtractorsWriter extractors = new ExtractorsWriter(elements, types, model, processingEnv.getFiler());
        new IndexWriter(elements, processingEnv.getFiler()).write(type, guarded, extractors.write(type, guarded));
    }
}
