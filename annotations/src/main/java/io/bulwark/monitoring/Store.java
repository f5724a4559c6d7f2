package io.bulwark.monitoring;

import java.util.Locale;

/** Where Bulwark keeps its state: the tag value {@link #tag()} names it in metrics ({@code store="redis"}). */
public enum Store {
    /** Rate limits counted in this JVM's memory (the default without {@code bulwark.redis.url}). */
    MEMORY,
    /** Rate limits shared through Redis. */
    REDIS,
    /** The local audit journal under {@code bulwark.data-dir}. */
    JOURNAL,
    /** PostgreSQL, where audit events are shipped ({@code bulwark.jdbc.url}). */
    POSTGRESQL;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** {@code memory}, {@code redis}, {@code journal} or {@code postgresql}. */
    public String tag() {
        return tag;
    }
}
