package io.bulwark.runtime.keys;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A key made at random on first use and kept in a file readable by its owner only: what Bulwark uses when no key is
 * configured and only this host needs it (the audit's {@code @Redact(mode = HASH)} key, the file store's TOTP key).
 * Several JVMs on one data directory share the first one made.
 */
public final class LocalKeyFile {

    private LocalKeyFile() {
    }

    /** The key in {@code file}, made (with its directory) if there is none yet. */
    public static byte[] loadOrCreate(Path file, int length) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            byte[] key = new byte[length];
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
        if (key.length < length) {
            throw new IOException(file + " holds " + key.length + " bytes: expected a key of " + length + " (it was "
                    + "cut short; what it protected cannot be read without it)");
        }
        return key.length == length ? key : java.util.Arrays.copyOf(key, length);
    }
}
