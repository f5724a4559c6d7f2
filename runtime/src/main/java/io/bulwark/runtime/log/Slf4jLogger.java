package io.bulwark.runtime.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One SLF4J logger of the Redis client; everything it says goes to {@link Log#debug}. */
final class Slf4jLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    Slf4jLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return Log.enabled(Log.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return isDebugEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
        return isDebugEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return isDebugEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable thrown) {
        Log.debug(name + " " + level + ": " + MessageFormatter.basicArrayFormat(pattern, arguments)
                + (thrown == null ? "" : " (" + thrown + ")"));
    }
}
