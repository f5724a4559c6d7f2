package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.rules.SecretNames;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;

/**
 * How a record is captured: its components in order, each with its accessor and its redaction. Worked out once per
 * record class ({@link #of}) and kept with the class, so a capture is a few handle calls, not reflection.
 *
 * <p>A component annotated {@code @Redact} follows its mode; one whose name looks secret ({@link SecretNames}) is
 * masked even without it, as nothing at compile time checked this record's use (the processor checks parameters).
 */
final class RecordShape {

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return new RecordShape(type);
        }
    };

    final String[] names;
    final MethodHandle[] accessors;
    final Redact.Mode[] redactions;
    /** Why the record cannot be read (a module that does not open it), or null. */
    final String unreadable;

    private RecordShape(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        names = new String[components.length];
        accessors = new MethodHandle[components.length];
        redactions = new Redact.Mode[components.length];
        String failure = null;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            names[i] = c.getName();
            Redact redact = c.getAnnotation(Redact.class);
            redactions[i] = redact != null ? redact.mode()
                    : SecretNames.looksSecret(c.getName()) ? Redact.Mode.MASK : null;
            // Redacted components are read too: never written, but their text is cut out of a failed call's message.
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                accessors[i] = MethodHandles.lookup().unreflect(accessor).asType(GETTER);
            } catch (ReflectiveOperationException | RuntimeException e) {
                failure = e.getClass().getName();
            }
        }
        unreadable = failure;
    }

    static RecordShape of(Class<?> recordType) {
        return SHAPES.get(recordType);
    }
}
