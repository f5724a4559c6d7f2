package io.bulwark.agent.internal.weaving;

import io.bulwark.Redact;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;

/** The weaver's set-up, run on the setup thread (see {@link Weaver}). */
final class WeaverSetup {

    private static final int BATCH = 50;

    private WeaverSetup() {
    }

    static ClassFileTransformer build(Settings settings, GuardRegistry guards, Instrumentation instrumentation) {
        ClassWeaver weaver = new ClassWeaver(new GuardTransformer(guards, settings.requireWoven()), instrumentation,
                settings.scanAnnotations(), settings.requireWoven());
        warmUp();
        return weaver;
    }

    /**
     * Weaves a class of the agent's own, with every part of the weaving in use, and throws the result away: the
     * classes weaving needs are loaded here, on the setup thread, rather than by the first guarded class the
     * application loads.
     */
    private static void warmUp() {
        String name = WarmUp.class.getName();
        byte[] bytes;
        try (InputStream in = WeaverSetup.class.getClassLoader().getResourceAsStream(
                name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new IllegalStateException("the agent's own " + name + " cannot be read");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClassFile file = ClassFile.read(name, bytes, true);
        Redact.Mode redaction = null;
        for (ClassFile.FieldInfo field : file.fields) {
            if (field.name().equals("unused")) {
                redaction = ClassFileTypeModel.redaction(field.annotations());
            }
        }
        if (redaction != Redact.Mode.MASK) {
            throw new IllegalStateException("the agent misreads the annotations of its own " + name);
        }
        ClassFile.MethodInfo run = file.methods.get(WarmUp.METHOD);
        GuardWeaving.weave(bytes, Map.of(WarmUp.METHOD, new GuardWeaving.Plan(new Registration(0, true, true, true),
                run.maxLocals)));
    }

    /** Retransforms {@code candidates}, loaded before premain, through the gate (open by now). */
    static void retransform(Instrumentation instrumentation, List<Class<?>> candidates) {
        for (int i = 0; i < candidates.size(); i += BATCH) {
            List<Class<?>> batch = candidates.subList(i, Math.min(candidates.size(), i + BATCH));
            try {
                instrumentation.retransformClasses(batch.toArray(Class<?>[]::new));
            } catch (Exception | LinkageError e) {
                for (Class<?> type : batch) {
                    try {
                        instrumentation.retransformClasses(type);
                    } catch (Exception | LinkageError single) {
                        Log.error("could not retransform " + type.getName() + ", loaded before the agent: if it "
                                + "declares guarded methods, they run UNGUARDED (" + single + ")");
                    }
                }
            }
        }
        Log.debug("retransformed " + candidates.size() + " classes loaded before the agent");
    }
}
