package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.files.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * How far a writer's journal has been shipped: {@code <writer dir>/shipped}, the last sequence number PostgreSQL
 * committed. Written after each commit, without fsync: if it is lost or behind, shipping starts earlier and the
 * replay is harmless ({@code ON CONFLICT DO NOTHING}).
 */
public final class ShipCursor {

    static final String FILE = "shipped";

    private ShipCursor() {
    }

    /** The last sequence number of {@code writerDir}'s journal PostgreSQL committed; 0 when none. */
    public static long read(Path writerDir) throws IOException {
        try {
            String text = Files.readString(writerDir.resolve(FILE), StandardCharsets.US_ASCII).strip();
            return Long.parseLong(text);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            // Unreadable: ship from the start, which is idempotent.
            return 0;
        }
    }

    static void write(Path writerDir, long seq) throws IOException {
        OwnerOnly.replace(writerDir.resolve(FILE), (seq + "\n").getBytes(StandardCharsets.US_ASCII), false);
    }
}
