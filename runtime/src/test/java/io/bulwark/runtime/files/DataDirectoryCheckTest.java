package io.bulwark.runtime.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** architecture.md §7: local users other than the service's own read and write nothing Bulwark keeps. */
class DataDirectoryCheckTest {

    private static final String NAME = "bulwark.data-dir (test) 'x'";

    @TempDir
    Path dir;

    private Path dataDir(String mode) throws IOException {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString(mode));
        return data;
    }

    private static List<String> problems(Path dataDir) {
        return DataDirectoryCheck.problems(dataDir, NAME);
    }

    /**
     * A directory owned by another user: as root (where tests run here), one chowned to a uid nobody has; as anyone
     * else, the system's own /usr, which root owns.
     */
    private Path ownedByAnother() throws IOException {
        if (!Integer.valueOf(0).equals(ProcessUser.uid())) {
            return Path.of("/usr");
        }
        Path data = dataDir("rwx------");
        Files.setAttribute(data, "unix:uid", 4242);
        return data;
    }

    @Test
    void nothingYetIsFine() {
        assertEquals(List.of(), problems(dir.resolve("not-yet")));
    }

    @Test
    void anOwnerOnlyDirectoryIsFine() throws IOException {
        assertEquals(List.of(), problems(dataDir("rwx------")));
    }

    @Test
    void aDirectoryItsGroupMayWriteIsRefused() throws IOException {
        List<String> problems = problems(dataDir("rwxrwx---"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith(NAME + " is writable by its group (mode 770): expected a directory only "
                + "its owner can write"), problems.toString());
    }

    @Test
    void aDirectoryEveryoneMayWriteIsRefused() throws IOException {
        List<String> problems = problems(dataDir("rwxrwxrwx"));
        assertTrue(problems.get(0).contains("is writable by every user (mode 777)"), problems.toString());
    }

    @Test
    void anAuditDirectoryOthersMayWriteIsRefusedToo() throws IOException {
        Path data = dataDir("rwx------");
        Path audit = Files.createDirectory(data.resolve("audit"));
        Files.setPosixFilePermissions(audit, PosixFilePermissions.fromString("rwx-w--w-"));
        List<String> problems = problems(data);
        assertTrue(problems.get(0).startsWith(audit + " is writable by every user"), problems.toString());
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws IOException {
        List<String> problems = DataDirectoryCheck.problems(ownedByAnother(), NAME);
        assertTrue(problems.get(0).startsWith(NAME + " is owned by uid "), problems.toString());
        assertTrue(problems.get(0).contains("not by this process's user (uid " + ProcessUser.uid() + ")"),
                problems.toString());
    }

    @Test
    void aKeyFileOthersMayReadOrThatAnotherUserOwnsIsRefused() throws IOException {
        Path data = dataDir("rwx------");
        Path key = Files.write(Files.createDirectory(data.resolve("audit")).resolve("chain.key"), new byte[32]);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> problems = problems(data);
        assertTrue(problems.get(0).startsWith("the key file " + key + " is open to other users (mode 644): expected "
                + "600"), problems.toString());
        if (Integer.valueOf(0).equals(ProcessUser.uid())) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.setAttribute(key, "unix:uid", 4242);
            problems = problems(data);
            assertTrue(problems.get(0).startsWith("the key file " + key + " is owned by uid 4242"),
                    problems.toString());
        }
    }

    @Test
    void aDirectoryLeftReadableByAnEarlierBulwarkIsMadeOwnerOnlyWithAWarning() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            Path data = dataDir("rwxr-xr-x");
            assertEquals(List.of(), problems(data));
            assertEquals("rwx------", OwnerOnlyTest.mode(data));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains(NAME + " was readable by other users (mode 755): "
                    + "made 700"), log.toString(StandardCharsets.UTF_8));
        } finally {
            Log.setOutput(System.err);
        }
    }
}
