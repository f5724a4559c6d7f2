package io.bulwark.runtime.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Directories (0700) and files (0600) that only their owner may read or write: everything Bulwark keeps under its data
 * directory (the journal holds user ids, addresses and arguments; the key files hold keys). The mode is given to the
 * system call that creates each one, never set after it: there is no moment when another local user could open it.
 * The process's umask can only take bits away from these modes.
 *
 * <p>On a file system without POSIX permissions (Windows), files are created with the system's defaults: the data
 * directory's own access control is what there is.
 */
public final class OwnerOnly {

    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final FileAttribute<?>[] DIRECTORY = POSIX
            ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
            : new FileAttribute<?>[0];
    private static final FileAttribute<?>[] FILE = POSIX
            ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
            : new FileAttribute<?>[0];

    private OwnerOnly() {
    }

    /** {@code dir} and its missing parents, each created 0700; those that exist are left as they are. */
    public static Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        return Files.createDirectories(dir, DIRECTORY);
    }

    /**
     * Opens {@code file}; when {@code options} create it, it is created 0600.
     *
     * @see FileChannel#open(Path, Set, FileAttribute[])
     */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), FILE);
    }

    /**
     * Replaces {@code file}'s contents with {@code bytes} at once: a reader sees the old contents or the new, never
     * part of either, and a crash leaves one or the other. Written to a fresh 0600 file beside it, synced, renamed over
     * it, and the directory synced.
     */
    public static void replace(Path file, byte[] bytes) throws IOException {
        replace(file, bytes, true);
    }

    /**
     * As {@link #replace(Path, byte[])}; without {@code sync}, neither the file nor its directory is synced (for what
     * may be lost in a crash, such as a cursor that is safe to find behind).
     */
    public static void replace(Path file, byte[] bytes, boolean sync) throws IOException {
        Path temporary = temporaryBeside(file);
        try {
            write(temporary, bytes, sync);
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
            if (sync) {
                syncDirectory(file.toAbsolutePath().getParent());
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Creates {@code file} holding {@code bytes}, whole or not at all, unless it exists: false when it did (another
     * process made it first; its contents are then whole too). Written beside it first and linked into place, so a
     * reader never meets a file half written, as it could with {@code CREATE_NEW} and a write.
     */
    public static boolean create(Path file, byte[] bytes) throws IOException {
        Path temporary = temporaryBeside(file);
        try {
            write(temporary, bytes, true);
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException linkRefused) {
                if (Files.exists(file)) {
                    return false;
                }
                // No hard links here (some network and FUSE file systems): a rename is atomic, but replaces a file
                // another process linked in since the check above; both were whole, and the race is that narrow.
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            }
            syncDirectory(file.toAbsolutePath().getParent());
            return true;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Path temporaryBeside(Path file) {
        return file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    private static void write(Path file, byte[] bytes, boolean sync) throws IOException {
        try (FileChannel out = open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            if (sync) {
                out.force(true);
            }
        }
    }

    /** A new or renamed file is durable only once its directory entry is: fsync the directory where allowed. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system lets a directory be opened for this; the data itself is synced regardless.
        }
    }
}
