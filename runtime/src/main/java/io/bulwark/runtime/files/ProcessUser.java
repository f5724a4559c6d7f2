package io.bulwark.runtime.files;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The numeric user id this process runs as. Java has no call for it; Linux says it through {@code /proc/self}, which
 * belongs to the process's effective user. Elsewhere it is unknown (null), and ownership goes unchecked: the name in
 * {@code user.name} is no substitute, a container's user often has no name at all.
 */
final class ProcessUser {

    private static final Integer UID = find();

    private ProcessUser() {
    }

    static Integer uid() {
        return UID;
    }

    private static Integer find() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (Exception e) {
            return null;
        }
    }
}
