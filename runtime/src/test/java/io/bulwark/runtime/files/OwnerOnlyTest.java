package io.bulwark.runtime.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.secrets.LocalKeyFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Bulwark creates under its data directory, only its owner may open. */
class OwnerOnlyTest {

    @TempDir
    Path dir;

    static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void directoriesAreMade700AllTheWayDown() throws IOException {
        Path deep = dir.resolve("a/b/c");
        OwnerOnly.createDirectories(deep);
        for (Path p : new Path[] {dir.resolve("a"), dir.resolve("a/b"), deep}) {
            assertEquals("rwx------", mode(p), p.toString());
        }
    }

    @Test
    void filesAreCreated600() throws IOException {
        Path file = dir.resolve("segment");
        try (FileChannel c = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertEquals("rw-------", mode(file), "from the moment it exists");
        }
        OwnerOnly.replace(dir.resolve("cursor"), "1\n".getBytes());
        assertEquals("rw-------", mode(dir.resolve("cursor")));
        assertTrue(OwnerOnly.create(dir.resolve("once"), new byte[] {1}));
        assertEquals("rw-------", mode(dir.resolve("once")));
    }

    @Test
    void createKeepsTheFirstOneMadeAndLeavesNoTemporaryBehind() throws IOException {
        assertTrue(OwnerOnly.create(dir.resolve("key"), new byte[] {1, 2}));
        assertFalse(OwnerOnly.create(dir.resolve("key"), new byte[] {3, 4}));
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(dir.resolve("key")));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aKeyMadeOnFirstUseIsOwnerOnlyInAnOwnerOnlyDirectory() throws IOException {
        Path file = dir.resolve("data/audit/chain.key");
        byte[] key = LocalKeyFile.loadOrCreate(file, 32);
        assertEquals(32, key.length);
        assertEquals("rw-------", mode(file));
        assertEquals("rwx------", mode(dir.resolve("data/audit")));
        assertEquals("rwx------", mode(dir.resolve("data")));
        assertArrayEquals(key, LocalKeyFile.loadOrCreate(file, 32), "made once, then read");
    }
}
