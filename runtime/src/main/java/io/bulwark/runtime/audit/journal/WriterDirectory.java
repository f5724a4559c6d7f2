package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.capture.UuidV7;
import io.bulwark.runtime.files.OwnerOnly;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One writer's directory under {@code <data-dir>/audit/}, {@code w-<writer uuid>}, held with an OS file lock for as
 * long as its journal is open. Two JVMs sharing a data directory therefore write two chains, never one interleaved;
 * a JVM that restarts takes over a directory nobody holds, so its chain goes on where it stopped.
 */
public final class WriterDirectory implements AutoCloseable {

    static final String PREFIX = "w-";
    private static final String LOCK = "lock";

    private final Path path;
    private final UUID writer;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private WriterDirectory(Path path, UUID writer, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.writer = writer;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Takes the first writer directory of {@code auditDir} nobody holds, or makes a new one. */
    public static WriterDirectory acquire(Path auditDir) throws IOException {
        OwnerOnly.createDirectories(auditDir);
        for (Path candidate : list(auditDir)) {
            WriterDirectory held = tryLock(candidate);
            if (held != null) {
                return held;
            }
        }
        UUID writer = UuidV7.next(System.currentTimeMillis());
        Path fresh = auditDir.resolve(PREFIX + writer);
        OwnerOnly.createDirectories(fresh);
        WriterDirectory held = tryLock(fresh);
        if (held == null) {
            throw new IOException("cannot lock the new journal directory " + fresh);
        }
        return held;
    }

    /** The writer directory {@code dir}, if nobody holds it; null otherwise. */
    public static WriterDirectory tryLock(Path dir) throws IOException {
        UUID writer = writerOf(dir);
        if (writer == null) {
            return null;
        }
        FileChannel channel = OwnerOnly.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new WriterDirectory(dir, writer, channel, lock);
            }
        } catch (OverlappingFileLockException e) {
            // Held by this very JVM (another runtime in it): not ours to take.
        }
        channel.close();
        return null;
    }

    /** Every writer directory of {@code auditDir}, sorted. */
    public static List<Path> list(Path auditDir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(auditDir)) {
            return dirs;
        }
        try (Stream<Path> files = Files.list(auditDir)) {
            files.filter(d -> Files.isDirectory(d) && writerOf(d) != null).forEach(dirs::add);
        }
        dirs.sort(null);
        return dirs;
    }

    /** The writer a directory's name gives, or null when it is not a writer directory. */
    public static UUID writerOf(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(PREFIX)) {
            return null;
        }
        try {
            return UUID.fromString(name.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Path path() {
        return path;
    }

    public UUID writer() {
        return writer;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
