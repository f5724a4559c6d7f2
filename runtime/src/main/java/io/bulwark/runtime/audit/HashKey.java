package io.bulwark.runtime.audit;

import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.secrets.LocalKeyFile;
import java.io.IOException;

/**
 * The key of {@code @Redact(mode = HASH)}: {@code bulwark.audit.hash-key} when set (instances that must match each
 * other's hashes share it), else one made at random on first use and kept in {@code <data-dir>/audit/hash.key},
 * readable by the owner only.
 */
final class HashKey {

    static final String FILE = "hash.key";

    private HashKey() {
    }

    static byte[] load(AuditSettings settings) throws IOException {
        byte[] configured = settings.hashKey();
        if (configured != null) {
            return configured;
        }
        return LocalKeyFile.loadOrCreate(settings.dataDir().resolve("audit").resolve(FILE), 32);
    }
}
