package io.bulwark.runtime.audit;

import io.bulwark.runtime.config.AuditSettings;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

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
        Path dir = settings.dataDir().resolve("audit");
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                Files.write(file, key, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the directory's own protection is what there is.
                }
                return key;
            } catch (FileAlreadyExistsException raced) {
                // Another JVM on the same data directory made it first: use theirs.
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < 32) {
            throw new IOException(file + " holds " + key.length + " bytes: expected a key of 32 (delete it to make a "
                    + "new one; hashes made under the old key then no longer match new ones)");
        }
        return key;
    }
}
