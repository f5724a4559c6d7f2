package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * {@code bulwark.require-woven=true}: a class the index lists that could not be woven is not defined at all. The JVM
 * ignores exceptions from transformers and would load the class as it is, guarded methods unguarded; answering with
 * bytes that are not a class makes its loading fail instead, so its methods cannot run. (A class already loaded
 * before the agent cannot be taken back: that case is reported, not refused.)
 */
final class RequireWoven implements AgentBuilder.TransformerDecorator {

    /** Set by {@link WeaveListener#onError} on the transforming thread, read right after the transformation. */
    static final ThreadLocal<Boolean> FAILED = new ThreadLocal<>();
    private static final byte[] NOT_A_CLASS = {0};

    @Override
    public ResettableClassFileTransformer decorate(ResettableClassFileTransformer transformer) {
        return new ResettableClassFileTransformer.WithDelegation(transformer) {
            @Override
            public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                    ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
                FAILED.remove();
                byte[] result = classFileTransformer.transform(module, loader, name, redefined, domain, bytes);
                if (Boolean.TRUE.equals(FAILED.get()) && redefined == null && name != null
                        && GuardIndex.lists(loader, name.replace('/', '.'))) {
                    FAILED.remove();
                    Log.error(name.replace('/', '.') + " is listed in the Bulwark index but could not be woven, and "
                            + "bulwark.require-woven is set: the class is refused, so that none of its guarded methods "
                            + "runs unguarded");
                    return NOT_A_CLASS;
                }
                return result;
            }

            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                    byte[] bytes) throws IllegalClassFormatException {
                return transform(null, loader, name, redefined, domain, bytes);
            }
        };
    }
}
