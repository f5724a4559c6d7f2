package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.AsmClassReader;

/**
 * At debug level, logs every class file the weaver parses ({@code parsed com.acme.X}): what shows that, with the
 * index, unguarded classes are never parsed. Byte Buddy describes a class lazily, and locating its bytes (which it
 * does for every class offered, from memory) is not parsing it; the log sits where parsing happens. At any other
 * level this is Byte Buddy's plain fast pool.
 */
final class ParseLog implements AgentBuilder.PoolStrategy {

    static AgentBuilder.PoolStrategy create() {
        return Log.enabled(Log.Level.DEBUG) ? new ParseLog() : AgentBuilder.PoolStrategy.Default.FAST;
    }

    @Override
    public TypePool typePool(ClassFileLocator locator, ClassLoader loader) {
        return new Logging(locator);
    }

    @Override
    public TypePool typePool(ClassFileLocator locator, ClassLoader loader, String name) {
        return new Logging(locator);
    }

    /** The fast, lazy pool Byte Buddy's {@code PoolStrategy.Default.FAST} makes, telling what it parses. */
    private static final class Logging extends TypePool.Default.WithLazyResolution {
        Logging(ClassFileLocator locator) {
            super(TypePool.CacheProvider.Simple.withObjectType(), locator, TypePool.Default.ReaderMode.FAST);
        }

        @Override
        protected TypeDescription doParse(AsmClassReader reader) {
            TypeDescription parsed = super.doParse(reader);
            Log.debug("parsed " + parsed.getName());
            return parsed;
        }
    }
}
