package io.bulwark.runtime.testing;

import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PostgreSQL's server programs ({@code initdb}, {@code pg_ctl}, {@code postgres}) and the user they run as.
 *
 * <p>They come from {@code BULWARK_TEST_PG_BINARIES} if set (a {@code bin} directory, or {@code embedded}), else
 * the machine ({@code PATH}, then the highest {@code /usr/lib/postgresql/*}/{@code /usr/pgsql-*}), else the
 * binaries Maven Central ships in zonky's jar ({@link EmbeddedPostgresBinaries}).
 *
 * <p>PostgreSQL refuses to run as root, and tests here (and in CI containers) often do: then every program runs
 * through {@code runuser} as {@code postgres}, or {@code nobody} where there is no such user, and the directories it
 * writes to are given to that user.
 */
final class PostgresBinaries {

    private static PostgresBinaries found;

    private final Path bin;
    private final UserPrincipal runAs;
    private final String runuser;

    private PostgresBinaries(Path bin, UserPrincipal runAs, String runuser) {
        this.bin = bin;
        this.runAs = runAs;
        this.runuser = runuser;
    }

    static synchronized PostgresBinaries find() {
        if (found == null) {
            Path bin = directory();
            if (new UnixSystem().getUid() != 0) {
                found = new PostgresBinaries(bin, null, null);
            } else {
                found = new PostgresBinaries(bin, unprivilegedUser(), runuser());
            }
        }
        return found;
    }

    Path bin() {
        return bin;
    }

    /** A new private directory under /tmp that the server's user owns (its parents are world-traversable). */
    Path newOwnedDirectory(String prefix) {
        try {
            Path directory = Files.createTempDirectory(Path.of("/tmp"), prefix);
            if (runAs != null) {
                Files.setOwner(directory, runAs);
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for PostgreSQL under /tmp", e);
        }
    }

    /**
     * Runs one of the programs in {@code directory} (which the server's user can enter) and returns its exit code;
     * what it printed is left in {@code output}. Output goes to a file, not a pipe: the postmaster that
     * {@code pg_ctl start} leaves behind must not hold a pipe of ours open.
     */
    int run(Path directory, Path output, String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (runAs != null) {
            command.addAll(List.of(runuser, "-u", runAs.getName(), "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    /** Deletes a tree without following its symbolic links; what cannot be deleted is left. */
    static void delete(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a test's leftovers under /tmp must not fail it.
        }
    }

    private static Path directory() {
        String chosen = System.getenv("BULWARK_TEST_PG_BINARIES");
        if ("embedded".equals(chosen)) {
            return EmbeddedPostgresBinaries.unpack();
        }
        if (chosen != null && !chosen.isBlank()) {
            if (!complete(Path.of(chosen))) {
                throw new IllegalStateException("BULWARK_TEST_PG_BINARIES=" + chosen
                        + " is not a directory holding initdb, pg_ctl and postgres (nor 'embedded')");
            }
            return Path.of(chosen);
        }
        return onMachine().orElseGet(EmbeddedPostgresBinaries::unpack);
    }

    private static Optional<Path> onMachine() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path initdb = Path.of(entry, "initdb");
            if (Files.isExecutable(initdb)) {
                try {
                    // Often a symlink into the versioned bin directory, where pg_ctl finds postgres.
                    Path real = initdb.toRealPath().getParent();
                    if (complete(real)) {
                        return Optional.of(real);
                    }
                } catch (IOException e) {
                    // A dangling link: keep looking.
                }
            }
        }
        List<Path> installed = new ArrayList<>(versioned(Path.of("/usr/lib/postgresql"), ""));
        installed.addAll(versioned(Path.of("/usr"), "pgsql-"));
        return installed.stream().filter(PostgresBinaries::complete)
                .max(Comparator.comparing(bin -> version(bin.getParent())));
    }

    /** The {@code bin} directories of {@code parent}'s children named prefix + version (Debian's, RHEL's layout). */
    private static List<Path> versioned(Path parent, String prefix) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(parent)) {
            return children.filter(child -> child.getFileName().toString().startsWith(prefix))
                    .filter(child -> version(child) != null).map(child -> child.resolve("bin")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static ModuleDescriptor.Version version(Path directory) {
        String name = directory.getFileName().toString().replaceFirst("^\\D+", "");
        return name.matches("\\d+(\\.\\d+)*") ? ModuleDescriptor.Version.parse(name) : null;
    }

    static boolean complete(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(program -> Files.isExecutable(bin.resolve(program)));
    }

    private static UserPrincipal unprivilegedUser() {
        var users = FileSystems.getDefault().getUserPrincipalLookupService();
        for (String name : List.of("postgres", "nobody")) {
            try {
                return users.lookupPrincipalByName(name);
            } catch (UserPrincipalNotFoundException e) {
                // Try the next one.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("running as root, which PostgreSQL refuses, and there is neither a 'postgres'"
                + " nor a 'nobody' user to run it as: add one, or run the tests as a non-root user");
    }

    private static String runuser() {
        for (String candidate : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("running as root, which PostgreSQL refuses, and there is no runuser"
                + " (util-linux) to run it as another user: install util-linux, or run the tests as a non-root user");
    }
}
