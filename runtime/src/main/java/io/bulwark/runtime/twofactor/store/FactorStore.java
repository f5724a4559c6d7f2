package io.bulwark.runtime.twofactor.store;

/**
 * Where second factors are kept: {@link PostgresFactorStore} ({@code bulwark.jdbc.url}) or {@link FileFactorStore}
 * (under {@code bulwark.data-dir}). A store only reads and writes records; every decision is the engine's, taken
 * inside {@link #update} so that it is atomic per user across threads and JVMs.
 */
public interface FactorStore extends AutoCloseable {

    /** What {@link #update} does with a user's record. */
    @FunctionalInterface
    interface Change<T> {
        /**
         * @param current the stored record, or null when the user has none
         * @return the record to store ({@code current} itself to write nothing, null to delete it) and the answer
         */
        Outcome<T> apply(FactorRecord current) throws FactorStoreException;
    }

    /** @param next the record to store: the same instance to write nothing, null to delete */
    record Outcome<T>(FactorRecord next, T value) {
    }

    /** The user's record, or null. */
    FactorRecord read(String user) throws FactorStoreException;

    /**
     * Reads the user's record, applies {@code change} and stores its result, holding the user's record exclusively
     * (against other threads and other JVMs) from the read to the write.
     */
    <T> T update(String user, Change<T> change) throws FactorStoreException;

    /** {@code in PostgreSQL at jdbc:postgresql://...}: for the startup line and messages. */
    String describe();

    @Override
    void close();
}
