package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.twofactor.crypto.RecoveryHasher;
import io.bulwark.runtime.twofactor.crypto.SecretSealer;
import io.bulwark.runtime.twofactor.store.FactorStore;
import java.security.SecureRandom;

/**
 * The two-factor engine's connections and keys, made on first use (never in premain).
 *
 * @param ledger the shared replay ledger (Redis), or null: the store's own record decides alone
 * @param random new secrets and recovery codes
 */
record EngineParts(FactorStore store, SecretSealer sealer, RecoveryHasher hasher, Freshness freshness,
        StepLedger ledger, SecureRandom random) {
}
