package io.bulwark.runtime.audit.verify;

import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.Checkpoint;
import io.bulwark.runtime.audit.chain.Checkpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a verifier knows from outside the store it checks: the chain keys it was given (without a writer's key its
 * events cannot be told from forgeries), and the writers' newest checkpoints, read from the data directory and from
 * any log the application wrote them to. Only checkpoints signed by a key given count; the rest are reported.
 *
 * <p>Without checkpoints, a verifier proves that every event it finds is authentic and in its place, and that none is
 * missing before the newest it finds; not that no newer event, or no whole writer, was deleted.
 */
public final class Anchors {

    private final List<ChainKey> keys;
    private final Map<Checkpoint.Store, Map<UUID, Checkpoint>> newest = new EnumMap<>(Checkpoint.Store.class);
    private final List<String> notes = new ArrayList<>();
    /** What the local journal's verification found each writer's journal to start after and hold (PostgreSQL's due). */
    private final Map<UUID, JournalFacts> journals = new LinkedHashMap<>();
    private int sources;

    private Anchors(List<ChainKey> keys) {
        this.keys = List.copyOf(keys);
        for (Checkpoint.Store store : Checkpoint.Store.values()) {
            newest.put(store, new TreeMap<>());
        }
    }

    /** @param keys every chain key the writers to verify may have sealed with */
    public static Anchors of(List<ChainKey> keys) {
        return new Anchors(keys);
    }

    /**
     * What a data directory holds: the key in {@code <auditDir>/chain.key} (when there is one) and the checkpoints in
     * {@code <auditDir>/checkpoints}; a verifier on the host that wrote them (with no configured key) needs no more.
     */
    public static Anchors local(Path auditDir) throws IOException {
        Path keyFile = auditDir.resolve(ChainKey.FILE);
        Anchors anchors = new Anchors(Files.isRegularFile(keyFile) ? List.of(ChainKey.read(keyFile)) : List.of());
        return anchors.readCheckpoints(auditDir);
    }

    /** Reads the checkpoints the data directory keeps ({@code <auditDir>/checkpoints}). */
    public Anchors readCheckpoints(Path auditDir) throws IOException {
        for (Path file : Checkpoints.files(auditDir)) {
            read(file);
        }
        return this;
    }

    /** Reads every checkpoint line of {@code file}: a checkpoint file, or an application log that holds them. */
    public Anchors read(Path file) throws IOException {
        sources++;
        int lineNumber = 0;
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (!line.contains(Checkpoint.TAG)) {
                    continue;
                }
                Checkpoint checkpoint;
                try {
                    checkpoint = Checkpoint.find(line);
                } catch (IllegalArgumentException e) {
                    notes.add(file + " line " + lineNumber + " holds a malformed checkpoint (" + e.getMessage()
                            + "): ignored");
                    continue;
                }
                add(checkpoint, file + " line " + lineNumber);
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** Adds one checkpoint, if a key given signed it. */
    void add(Checkpoint checkpoint, String where) {
        ChainKey key = key(checkpoint.keyId());
        if (key == null) {
            notes.add("the " + checkpoint + " of writer " + checkpoint.writer() + " (" + where + ") is signed with key "
                    + checkpoint.keyId() + ", which this verifier was not given: not used");
            return;
        }
        if (!checkpoint.signedBy(key)) {
            notes.add("WARNING: " + where + " holds a checkpoint of writer " + checkpoint.writer() + " that key "
                    + key.id() + " did not sign: Bulwark did not write it (a forged log line?); ignored");
            return;
        }
        Map<UUID, Checkpoint> byWriter = newest.get(checkpoint.store());
        Checkpoint known = byWriter.get(checkpoint.writer());
        if (known == null || known.seq() < checkpoint.seq()) {
            byWriter.put(checkpoint.writer(), checkpoint);
        }
    }

    public List<ChainKey> keys() {
        return keys;
    }

    /** The key named {@code id}, or null. */
    ChainKey key(String id) {
        for (ChainKey k : keys) {
            if (k.id().equals(id)) {
                return k;
            }
        }
        return null;
    }

    /** Each writer's newest authentic checkpoint of {@code store}. */
    Map<UUID, Checkpoint> newest(Checkpoint.Store store) {
        return Collections.unmodifiableMap(newest.get(store));
    }

    /** Whether any checkpoint source was read at all. */
    boolean anySource() {
        return sources > 0;
    }

    /** What reading the checkpoints found worth saying (unknown keys, forged lines), once: the first report has it. */
    List<String> takeNotes() {
        List<String> taken = List.copyOf(notes);
        notes.clear();
        return taken;
    }

    void journal(UUID writer, JournalFacts facts) {
        journals.put(writer, facts);
    }

    Map<UUID, JournalFacts> journals() {
        return Collections.unmodifiableMap(journals);
    }

    /**
     * What a writer's local journal says PostgreSQL must hold, and what it still has to ship.
     *
     * @param shippedSeq  the journal's cursor: the last event PostgreSQL committed
     * @param anchorSeq   an event PostgreSQL must hold ({@code shippedSeq}, or the one before the journal's first
     *                    when that is later), or 0
     * @param anchorHash  its hash, as the journal's own (keyed) events prove it
     * @param lastSeq     the journal's newest event
     */
    record JournalFacts(long shippedSeq, long anchorSeq, byte[] anchorHash, long lastSeq) {
    }
}
