package io.bulwark.runtime.secrets;

import io.bulwark.runtime.files.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A key made at random on first use and kept in a file readable by its owner only: what Bulwark uses when no key is
 * configured and only this host needs it (the audit chain's key, the {@code @Redact(mode = HASH)} key, the file
 * store's TOTP key). The file is created 0600 inside 0700 directories and appears whole ({@link OwnerOnly#create}):
 * several JVMs on one data directory share the first one made, and none ever reads one half written.
 */
public final class LocalKeyFile {

    private LocalKeyFile() {
    }

    /** The key in {@code file}, made (with its directory) if there is none yet. */
    public static byte[] loadOrCreate(Path file, int length) throws IOException {
        OwnerOnly.createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            byte[] key = new byte[length];
            new SecureRandom().nextBytes(key);
            if (OwnerOnly.create(file, key)) {
                return key;
            }
            // Another JVM on the same data directory made it first: use theirs.
        }
        return load(file, length);
    }

    /** The key in {@code file}, which must exist. */
    public static byte[] load(Path file, int length) throws IOException {
        byte[] key;
        try {
            key = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist", e);
        }
        if (key.length < length) {
            throw new IOException(file + " holds " + key.length + " bytes: expected a key of " + length + " (it was "
                    + "cut short; what it protected cannot be read without it)");
        }
        return key.length == length ? key : Arrays.copyOf(key, length);
    }
}
