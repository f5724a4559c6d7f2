package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.twofactor.crypto.RowSeal;
import io.bulwark.runtime.twofactor.crypto.SealedSecretException;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import io.bulwark.runtime.twofactor.store.FactorStore;
import io.bulwark.runtime.twofactor.store.FactorStoreException;

/**
 * The engine's view of a {@link FactorStore}: every record read is checked against its {@link RowSeal} and against
 * the highest {@link Generations generation} known for its user, and every record written gets the next generation
 * and a new seal. A record is never deleted (disabling leaves an empty one), so its generation keeps growing and a
 * record that vanishes, or comes back older, is told apart from one that never was. Any of that fails closed:
 * {@link FactorStoreException}, which the engine answers with 503 and logs.
 */
final class SealedStore implements FactorStore {

    private final FactorStore store;
    private final RowSeal seal;
    private final Generations generations;

    SealedStore(FactorStore store, RowSeal seal, Generations generations) {
        this.store = store;
        this.seal = seal;
        this.generations = generations;
    }

    @Override
    public FactorRecord read(String user) throws FactorStoreException {
        FactorRecord r = store.read(user);
        check(user, r);
        return r;
    }

    @Override
    public <T> T update(String user, Change<T> change) throws FactorStoreException {
        long[] written = {0};
        T value = store.update(user, current -> {
            check(user, current);
            Outcome<T> outcome = change.apply(current);
            FactorRecord next = outcome.next();
            if (next == current) {
                return outcome;
            }
            if (next == null) {
                if (current == null) {
                    return outcome;
                }
                next = current.cleared();
            }
            long generation = Math.max(current == null ? 0 : current.generation(), generations.highest(user)) + 1;
            next = next.withGeneration(generation, null);
            written[0] = generation;
            return new Outcome<>(next.withGeneration(generation, seal.seal(next)), outcome.value());
        });
        if (written[0] > 0) {
            // After the store committed it: a write that failed must not leave the stored record looking old.
            try {
                generations.current(user, written[0]);
            } catch (StepUpStoreException e) {
                throw new FactorStoreException(e.getMessage(), e);
            }
        }
        return value;
    }

    private void check(String user, FactorRecord r) throws FactorStoreException {
        try {
            if (r == null) {
                if (generations.highest(user) > 0) {
                    throw new FactorStoreException("the second factor record of user " + user + " has vanished from "
                            + "the store (generation " + generations.highest(user) + " was seen): deleted by someone "
                            + "without the key; refused until an operator looks");
                }
                return;
            }
            seal.verify(r);
            if (!generations.current(user, r.generation())) {
                throw new FactorStoreException("the second factor record of user " + user + " is an older copy "
                        + "(generation " + r.generation() + ") than one already seen: it was rolled back by someone "
                        + "with write access to the store; refused until an operator looks");
            }
        } catch (SealedSecretException e) {
            throw new FactorStoreException("user " + user + ": " + e.getMessage(), e);
        } catch (StepUpStoreException e) {
            throw new FactorStoreException(e.getMessage(), e);
        }
    }

    /** The store itself, beneath the seal: for tests that play the attacker with the database's password. */
    FactorStore raw() {
        return store;
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
