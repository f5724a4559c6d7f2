package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.chain.SealedEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads every frame of one writer's journal in file order, telling a visitor what it finds, damage included: what the
 * verifier and the query commands read. Read-only, so it may run beside a live writer (a last frame being written
 * shows as torn).
 */
public final class JournalScan {

    /** What a scan reports. */
    public interface Visitor {
        void event(SealedEvent event);

        /** A frame that cannot be read, where; the rest of that segment is skipped. */
        void damaged(Path segment, long position, String why);

        /** The newest segment ends inside a frame: a write in progress, or cut short by a crash. */
        void tornTail(Path segment, long position, String why);
    }

    private JournalScan() {
    }

    /** The sequence number the oldest segment starts at (1 unless older segments were deleted), or -1 if none. */
    public static long firstSeq(Path writerDir) throws IOException {
        List<Path> segments = Segments.list(writerDir);
        return segments.isEmpty() ? -1 : Segments.firstSeq(segments.get(0));
    }

    public static void scan(Path writerDir, Visitor visitor) throws IOException {
        List<Path> segments = Segments.list(writerDir);
        for (int i = 0; i < segments.size(); i++) {
            Path file = segments.get(i);
            boolean newest = i == segments.size() - 1;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                if (!Segments.hasHeader(channel)) {
                    if (channel.size() > 0 || !newest) {
                        visitor.damaged(file, 0, "no journal header");
                    }
                    continue;
                }
                long position = Segments.HEADER.length;
                while (true) {
                    Frame.Read read = Frame.read(channel, position);
                    if (read instanceof Frame.Found found) {
                        visitor.event(found.sealed());
                        position = found.next();
                    } else if (read instanceof Frame.End) {
                        break;
                    } else if (read instanceof Frame.Torn torn && newest) {
                        visitor.tornTail(file, position, torn.why());
                        break;
                    } else {
                        visitor.damaged(file, position, read instanceof Frame.Damaged d ? d.why()
                                : ((Frame.Torn) read).why() + " before the newest segment");
                        break;
                    }
                }
            }
        }
    }
}
