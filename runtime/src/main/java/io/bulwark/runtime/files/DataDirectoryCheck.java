package io.bulwark.runtime.files;

import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What Bulwark refuses to start with (exit 78): a data directory, or one of its key files, that another local user
 * could write to or that another user owns. Such a user could change the journal before it is shipped, plant a key,
 * or read what Bulwark keeps (DESIGN §10: local users other than the service's own read nothing Bulwark writes).
 *
 * <ul>
 *   <li>the data directory and its {@code audit} and {@code 2fa} directories: owned by this process's user, not
 *       writable by group or others. A data directory left readable by others (made by an earlier Bulwark, 0755) is
 *       made 0700, with a warning: that alone keeps every file inside from other users;</li>
 *   <li>the key files ({@code audit/chain.key}, {@code audit/hash.key}, {@code 2fa/totp.key}): owned by this user,
 *       no permission for group or others at all (a key others could read is a key to replace).</li>
 * </ul>
 *
 * Nothing that does not exist yet is checked: it will be created owner-only ({@link OwnerOnly}).
 */
public final class DataDirectoryCheck {

    static final List<String> DIRECTORIES = List.of("audit", "2fa");
    static final List<String> KEY_FILES = List.of("audit/chain.key", "audit/hash.key", "2fa/totp.key");

    private DataDirectoryCheck() {
    }

    /**
     * @param dataDir     {@code bulwark.data-dir}
     * @param description how messages name it: {@code bulwark.data-dir (system property) 'x'}
     * @return what is wrong, one message each; empty when nothing is
     */
    public static List<String> problems(Path dataDir, String description) {
        List<String> problems = new ArrayList<>();
        if (!OwnerOnly.POSIX) {
            return problems;
        }
        Integer uid = ProcessUser.uid();
        PosixFileAttributes top = attributes(dataDir, problems, description);
        if (top == null) {
            return problems;
        }
        if (directory(dataDir, top, uid, description, problems)) {
            Set<PosixFilePermission> others = OwnerOnly.othersBits(top.permissions());
            if (!others.isEmpty() && problems.isEmpty()) {
                try {
                    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
                    Log.warn(description + " was readable by other users (mode " + mode(top.permissions())
                            + "): made 700, so that only this user reads the audit journal and keys in it");
                } catch (IOException | SecurityException e) {
                    problems.add(description + " is readable by other users (mode " + mode(top.permissions())
                            + ") and cannot be made 700 (" + e.getMessage() + "): expected a directory only its owner "
                            + "can read; run chmod 700 " + dataDir);
                }
            }
        }
        for (String name : DIRECTORIES) {
            Path dir = dataDir.resolve(name);
            PosixFileAttributes a = attributes(dir, problems, dir.toString());
            if (a != null) {
                directory(dir, a, uid, dir.toString(), problems);
            }
        }
        for (String name : KEY_FILES) {
            Path file = dataDir.resolve(name);
            PosixFileAttributes a = attributes(file, problems, file.toString());
            if (a == null) {
                continue;
            }
            if (!a.isRegularFile()) {
                problems.add("the key file " + file + " is not a regular file: expected a file of its own");
            } else if (uid != null && owner(file) != null && !uid.equals(owner(file))) {
                problems.add("the key file " + file + " is owned by " + a.owner().getName() + " (uid " + owner(file)
                        + "), not by this process's user (uid " + uid + "): expected a key file of its own; a key "
                        + "someone else can replace proves nothing");
            } else if (!OwnerOnly.othersBits(a.permissions()).isEmpty()) {
                problems.add("the key file " + file + " is open to other users (mode " + mode(a.permissions())
                        + "): expected 600 (chmod 600 " + file + "); a key others could read must be taken as known "
                        + "to them");
            }
        }
        return problems;
    }

    /** Checks a directory's type, owner and write bits; whether it is a directory at all. */
    private static boolean directory(Path dir, PosixFileAttributes a, Integer uid, String description,
            List<String> problems) {
        if (!a.isDirectory()) {
            problems.add(description + " is not a directory: expected a directory");
            return false;
        }
        Integer owner = owner(dir);
        if (uid != null && owner != null && !uid.equals(owner)) {
            problems.add(description + " is owned by " + a.owner().getName() + " (uid " + owner + "), not by this "
                    + "process's user (uid " + uid + "): expected a directory of its own (chown it, or choose "
                    + "another bulwark.data-dir)");
        } else if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            problems.add(description + " is writable by " + (a.permissions().contains(PosixFilePermission.OTHERS_WRITE)
                    ? "every user" : "its group") + " (mode " + mode(a.permissions()) + "): expected a directory only "
                    + "its owner can write (chmod 700 " + dir + ")");
        }
        return true;
    }

    /** The attributes of {@code path} (following links), or null when it does not exist or cannot be read. */
    private static PosixFileAttributes attributes(Path path, List<String> problems, String description) {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                problems.add(description + " cannot be examined (" + e.getMessage() + "): expected a path this "
                        + "process can read");
            }
            return null;
        }
    }

    /** The numeric owner of {@code path}, or null where the platform does not say. */
    private static Integer owner(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    static String mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return Integer.toOctalString(mode);
    }
}
