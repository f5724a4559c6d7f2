package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.log.Log;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.AsmClassReader;

/**
 * The type pools the weaver describes classes with: lazy (a class is parsed only when asked more than its name)
 * and, at debug level, logging every class file actually parsed ({@code parsed com.acme.X}), which is what shows
 * that with the index, unguarded classes never are.
 */
final class ParseLog {

    private ParseLog() {
    }

    /**
     * @param debugInfo whether to read local variable tables (parameter names of classes compiled with -g only)
     */
    static TypePool pool(ClassFileLocator locator, boolean debugInfo) {
        TypePool.Default.ReaderMode mode = debugInfo ? TypePool.Default.ReaderMode.EXTENDED
                : TypePool.Default.ReaderMode.FAST;
        return Log.enabled(Log.Level.DEBUG) ? new Logging(locator, mode)
                : new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator, mode);
    }

    private static final class Logging extends TypePool.Default.WithLazyResolution {
        Logging(ClassFileLocator locator, ReaderMode mode) {
            super(new TypePool.CacheProvider.Simple(), locator, mode);
        }

        @Override
        protected TypeDescription doParse(AsmClassReader reader) {
            TypeDescription parsed = super.doParse(reader);
            Log.debug("parsed " + parsed.getName());
            return parsed;
        }
    }
}
