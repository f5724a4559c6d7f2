package io.bulwark.runtime.twofactor.store;

import io.bulwark.runtime.files.OwnerOnly;
import io.bulwark.runtime.secrets.Utf16;
import io.bulwark.runtime.twofactor.crypto.SealedSecret;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Second factors in files under {@code <data-dir>/2fa/}: the embedded default, for one host. One file per user, named
 * by a SHA-256 of the user id (user input never becomes a path), readable by the owner only, replaced atomically
 * (written aside, forced to disk, renamed over). Updates hold an in-JVM lock and an OS file lock on the user's
 * {@code .lock} file, so several JVMs sharing the directory take turns, as rows locked in PostgreSQL would.
 */
public final class FileFactorStore implements FactorStore {

    /**
     * Threads of this JVM take a stripe's lock first: a FileLock is held by the whole JVM, and a second one on the same
     * file from another thread (or another store on the same directory) throws instead of waiting. Static for that
     * reason: every store of this JVM shares the stripes, chosen by the lock file's absolute path.
     */
    private static final ReentrantLock[] STRIPES = new ReentrantLock[64];

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new ReentrantLock();
        }
    }

    private final Path dir;

    public FileFactorStore(Path dataDir) {
        this.dir = dataDir.resolve("2fa").toAbsolutePath().normalize();
    }

    @Override
    public FactorRecord read(String user) throws FactorStoreException {
        try {
            return load(user, file(name(user)));
        } catch (IOException e) {
            throw new FactorStoreException("cannot read the second factor store in " + dir + ": " + e, e);
        }
    }

    /**
     * A user with no record is decided without a lock file (issue 16: every code presented for any id used to leave a
     * {@code .lock} file behind for good): when the change then writes nothing, nothing is created; when it does
     * write, the lock is taken and the change applied again to what is read under it.
     */
    @Override
    public <T> T update(String user, Change<T> change) throws FactorStoreException {
        String name = name(user);
        Path lockPath = dir.resolve(name + ".lock");
        ReentrantLock stripe = STRIPES[Math.floorMod(lockPath.hashCode(), STRIPES.length)];
        stripe.lock();
        try {
            Path file = file(name);
            if (!Files.exists(lockPath) && !Files.exists(file)) {
                Outcome<T> unlocked = change.apply(null);
                if (unlocked.next() == null) {
                    return unlocked.value();
                }
            }
            createDirectory();
            try (FileChannel lockFile = OwnerOnly.open(lockPath, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                FactorRecord current = load(user, file);
                Outcome<T> outcome = change.apply(current);
                if (outcome.next() != current) {
                    if (outcome.next() == null) {
                        Files.deleteIfExists(file);
                    } else {
                        write(file, outcome.next());
                    }
                }
                return outcome.value();
            }
        } catch (IOException e) {
            throw new FactorStoreException("cannot update the second factor store in " + dir + ": " + e, e);
        } finally {
            stripe.unlock();
        }
    }

    private void createDirectory() throws IOException {
        OwnerOnly.createDirectories(dir);
    }

    private Path file(String name) {
        return dir.resolve(name + ".properties");
    }

    /** 64 hex digits of SHA-256 over the user's UTF-16 code units. */
    static String name(String user) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Utf16.bytes(user)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static FactorRecord load(String user, Path file) throws IOException, FactorStoreException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!user.equals(p.getProperty("user"))) {
            throw new FactorStoreException("the second factor file " + file + " belongs to another user or is damaged");
        }
        try {
            return new FactorRecord(user,
                    sealed(p, "active"), instant(p, "enrolledAt"),
                    sealed(p, "pending"), instant(p, "pendingSince"),
                    Long.parseLong(p.getProperty("lastStep", "-1")),
                    Integer.parseInt(p.getProperty("failures", "0")),
                    instant(p, "nextAttemptAt"), instant(p, "lockedAt"),
                    p.getProperty("recovery.key"), list(p.getProperty("recovery.hashes", "")),
                    Integer.parseInt(p.getProperty("pending.failures", "0")), instant(p, "pending.nextAttemptAt"),
                    instant(p, "pending.lockedAt"), Long.parseLong(p.getProperty("generation", "0")),
                    p.getProperty("seal"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new FactorStoreException("the second factor file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private void write(Path file, FactorRecord r) throws IOException {
        Properties p = new Properties();
        p.setProperty("user", r.user());
        put(p, "active", r.active());
        put(p, "enrolledAt", r.enrolledAt());
        put(p, "pending", r.pending());
        put(p, "pendingSince", r.pendingSince());
        p.setProperty("lastStep", Long.toString(r.lastStep()));
        p.setProperty("failures", Integer.toString(r.failures()));
        put(p, "nextAttemptAt", r.nextAttemptAt());
        put(p, "lockedAt", r.lockedAt());
        if (r.recoveryKeyId() != null) {
            p.setProperty("recovery.key", r.recoveryKeyId());
        }
        p.setProperty("recovery.hashes", String.join(",", r.recoveryHashes()));
        p.setProperty("pending.failures", Integer.toString(r.pendingFailures()));
        put(p, "pending.nextAttemptAt", r.pendingNextAttemptAt());
        put(p, "pending.lockedAt", r.pendingLockedAt());
        p.setProperty("generation", Long.toString(r.generation()));
        if (r.seal() != null) {
            p.setProperty("seal", r.seal());
        }
        StringWriter text = new StringWriter();
        p.store(text, "Bulwark second factor: secrets are encrypted; do not edit");
        Path temporary = dir.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = OwnerOnly.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void put(Properties p, String name, SealedSecret secret) {
        if (secret != null) {
            p.setProperty(name + ".key", secret.keyId());
            p.setProperty(name + ".blob", Base64.getEncoder().encodeToString(secret.blob()));
        }
    }

    private static void put(Properties p, String name, Instant instant) {
        if (instant != null) {
            p.setProperty(name, instant.toString());
        }
    }

    private static SealedSecret sealed(Properties p, String name) {
        String key = p.getProperty(name + ".key");
        String blob = p.getProperty(name + ".blob");
        return key == null || blob == null ? null : new SealedSecret(key, Base64.getDecoder().decode(blob));
    }

    private static Instant instant(Properties p, String name) {
        String value = p.getProperty(name);
        return value == null ? null : Instant.parse(value);
    }

    private static List<String> list(String joined) {
        return joined.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(joined.split(",")));
    }

    @Override
    public String describe() {
        return "in files under " + dir;
    }

    @Override
    public void close() {
    }

    /** For tests that look at what is on disk. */
    Path directory() {
        return dir;
    }
}
