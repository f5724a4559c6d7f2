package io.bulwark.runtime.files;

import io.bulwark.runtime.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Bulwark refuses to start with (exit 78): a data directory, or one of its key files, that another local user
 * could write to or that another user owns. Such a user could change the journal before it is shipped, plant a key,
 * or read what Bulwark keeps (architecture.md §7: local users other than the service's own read nothing Bulwark
 * writes).
 *
 * <ul>
 *   <li>the data directory and its {@code audit} and {@code 2fa} directories: owned by this process's user, not
 *       writable by group or others. A data directory left readable by others (made by an earlier Bulwark, 0755) is
 *       made 0700, with a warning: that alone keeps every file inside from other users;</li>
 *   <li>the key files ({@code audit/chain.key}, {@code audit/hash.key}, {@code 2fa/totp.key}): owned by this user,
 *       no permission for group or others at all (a key others could read is a key to replace).</li>
 * </ul>
 * Nothing that does not exist yet is checked: it will be created owner-only ({@link OwnerOnly}).
 *
 * <p>Why {@code unix:mode,uid} rather than {@code PosixFileAttributes}: this runs in premain, and the numbers alone
 * cost one {@code stat} each; permission sets, enum sets and owner names cost a dozen classes and a user-database
 * lookup (the check measured about 1.2 ms cold this way, several times that the other).
 */
public final class DataDirectoryCheck {

    static final String[] DIRECTORIES = {"audit", "2fa"};
    static final String[] KEY_FILES = {"audit/chain.key", "audit/hash.key", "2fa/totp.key"};
    private static final int TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int GROUP_OR_OTHERS_ANY = 0077;

    private DataDirectoryCheck() {
    }

    /**
     * @param dataDir     {@code bulwark.data-dir}
     * @param description how messages name it: {@code bulwark.data-dir (system property) 'x'}
     * @return what is wrong, one message each; empty when nothing is
     */
    public static List<String> problems(Path dataDir, String description) {
        List<String> problems = new ArrayList<>();
        int[] top = stat(dataDir, description, problems);
        if (top == null) {
            return problems;
        }
        Integer uid = ProcessUser.uid();
        if (directory(dataDir, top, uid, description, problems) && (top[0] & GROUP_OR_OTHERS_ANY) != 0
                && problems.isEmpty()) {
            try {
                Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
                Log.warn(description + " was readable by other users (mode " + mode(top[0]) + "): made 700, so that "
                        + "only this user reads the audit journal and keys in it");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                problems.add(description + " is readable by other users (mode " + mode(top[0]) + ") and cannot be "
                        + "made 700 (" + e.getMessage() + "): expected a directory only its owner can read; run chmod "
                        + "700 " + dataDir);
            }
        }
        for (String name : DIRECTORIES) {
            Path dir = dataDir.resolve(name);
            int[] a = stat(dir, dir.toString(), problems);
            if (a != null) {
                directory(dir, a, uid, dir.toString(), problems);
            }
        }
        for (String name : KEY_FILES) {
            Path file = dataDir.resolve(name);
            int[] a = stat(file, file.toString(), problems);
            if (a == null) {
                continue;
            }
            if ((a[0] & TYPE) != REGULAR) {
                problems.add("the key file " + file + " is not a regular file: expected a file of its own");
            } else if (uid != null && a[1] != uid) {
                problems.add("the key file " + file + " is owned by uid " + a[1] + ", not by this process's user (uid "
                        + uid + "): expected a key file of its own; a key someone else can replace proves nothing");
            } else if ((a[0] & GROUP_OR_OTHERS_ANY) != 0) {
                problems.add("the key file " + file + " is open to other users (mode " + mode(a[0]) + "): expected 600 "
                        + "(chmod 600 " + file + "); a key others could read must be taken as known to them");
            }
        }
        return problems;
    }

    /** Checks a directory's type, owner and write bits; whether it is a directory at all. */
    private static boolean directory(Path dir, int[] a, Integer uid, String description, List<String> problems) {
        if ((a[0] & TYPE) != DIRECTORY) {
            problems.add(description + " is not a directory: expected a directory");
            return false;
        }
        if (uid != null && a[1] != uid) {
            problems.add(description + " is owned by uid " + a[1] + ", not by this process's user (uid " + uid + "): "
                    + "expected a directory of its own (chown it, or choose another bulwark.data-dir)");
        } else if ((a[0] & GROUP_OR_OTHERS_WRITE) != 0) {
            problems.add(description + " is writable by " + ((a[0] & 0002) != 0 ? "every user" : "its group")
                    + " (mode " + mode(a[0]) + "): expected a directory only its owner can write (chmod 700 " + dir
                    + ")");
        }
        return true;
    }

    /**
     * {@code {mode, uid}} of {@code path} (following links), or null when it does not exist, or the platform has no
     * such notion (then there is nothing to check).
     */
    private static int[] stat(Path path, String description, List<String> problems) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid");
            return new int[] {(Integer) a.get("mode"), (Integer) a.get("uid")};
        } catch (NoSuchFileException e) {
            return null;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        } catch (IOException | SecurityException e) {
            problems.add(description + " cannot be examined (" + e.getMessage() + "): expected a path this process "
                    + "can read");
            return null;
        }
    }

    /** {@code 755} for a mode. */
    static String mode(int mode) {
        return Integer.toOctalString(mode & 0777);
    }
}
