package io.bulwark.agent.internal.weaving;

import io.bulwark.RateLimitedException;
import io.bulwark.Redact;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.time.Clock;
import java.util.List;

/** The weaver's set-up, run on the setup thread (see {@link Weaver}). */
final class WeaverSetup {

    private static final int BATCH = 50;

    private WeaverSetup() {
    }

    static ClassFileTransformer build(Settings settings, GuardRegistry guards, Instrumentation instrumentation) {
        ClassWeaver weaver = new ClassWeaver(new GuardPlanner(guards, settings.requireWoven()), instrumentation,
                settings.requireWoven());
        warmUp();
        return weaver;
    }

    /**
     * Weaves a class of the agent's own, through every step a guarded class of the application goes through (class
     * file, index entry, annotations and their defaults, registration, key compilation, the woven code), and throws
     * the result away: the classes this needs are loaded here, on the setup thread, rather than by the first guarded
     * class the application loads. It registers with a scratch registry and limiter, never with the runtime's.
     */
    private static void warmUp() {
        String name = WarmUp.class.getName();
        ClassLoader agent = WeaverSetup.class.getClassLoader();
        byte[] bytes;
        try (InputStream in = agent.getResourceAsStream(name.replace('.', '/') + ".class")) {
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
        // The defaults, not the application's settings: an override it declares cannot reach the warm-up's policy.
        Settings defaults = Settings.defaults();
        GuardRegistry scratch = new GuardRegistry(defaults, new InMemoryRateLimiter(MicroClock.monotonic(), 16, false),
                new AuditPipeline(defaults.audit()), Clock.systemUTC());
        GuardPlanner.Woven woven = new GuardPlanner(scratch, false).weave(file, bytes, agent, null);
        if (redaction != Redact.Mode.MASK || woven == null) {
            throw new IllegalStateException("the agent misreads its own " + name);
        }
        // And one call through the scratch guard: the classes every guarded call loads (the monitor's, the engine's
        // call path) are loaded here too. Loaded by the application's first calls, they made concurrent calls wait
        // for one another's class loading, which on a virtual thread pins its carrier (VirtualThreadsIT).
        Object token = scratch.enter(woven.firstGuard(), new Object[] {"warm-up"});
        scratch.exit(woven.firstGuard(), token, "warm-up", null);
        // And a second, refused (the limit is 1), entering with its one argument as the woven code of such a key does:
        // the refusal's classes too. Resolved by the first refusals of concurrent virtual threads, the exception's
        // class pinned a carrier while they waited for one another (VirtualThreadsIT, GcraCell.refusal).
        try {
            scratch.enterArgument(woven.firstGuard(), "warm-up");
        } catch (RateLimitedException refused) {
            // as intended
        }
    }

    /** Retransforms {@code candidates}, loaded before premain, through the gate (open by now). */
    static void retransform(Instrumentation instrumentation, List<Class<?>> candidates) {
        for (int i = 0; i < candidates.size(); i += BATCH) {
            List<Class<?>> batch = candidates.subList(i, Math.min(candidates.size(), i + BATCH));
            try {
                // new Class<?>[0], not Class<?>[]::new: no lambda is spun in premain (PremainClassLoadIT)
                instrumentation.retransformClasses(batch.toArray(new Class<?>[0]));
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
