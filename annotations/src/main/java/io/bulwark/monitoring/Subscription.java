package io.bulwark.monitoring;

/** A registered {@link BulwarkListener}; {@link #close()} unregisters it. Closing twice does nothing. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
