package io.bulwark.runtime.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Routes what the Redis client logs through SLF4J into Bulwark's {@link Log}, at debug level: store trouble
 * reaches the user through Bulwark's own transition messages, once, not as the client's per-call noise. In the
 * agent jar SLF4J is relocated, so this provider serves only Bulwark's copy, never the application's.
 */
public final class Slf4jProvider implements SLF4JServiceProvider {

    private final ILoggerFactory loggers = Slf4jLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
