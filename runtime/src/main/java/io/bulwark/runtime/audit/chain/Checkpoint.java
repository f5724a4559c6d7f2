package io.bulwark.runtime.audit.chain;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * A writer's head as its JVM saw it, signed under its chain key and kept outside PostgreSQL: in the data directory and
 * as one line of the application's log. {@code audit verify} checks the database against it, which is how it finds
 * the newest events deleted (and the head in {@code audit_writers} moved back to match), or a whole writer gone.
 *
 * <p>One line, the same in the file and the log, found wherever it stands in a line (a log shipper may add its own
 * prefix; wrapped here, the indented part continues the line above after one space):
 * <pre>
 * bulwark-checkpoint/1 writer=0193... seq=120000 hash=q83v... in=postgresql at=2026-12-03T10:15:30.123456Z
 *     key=3fa1c2e4b5d6 sig=Zx0...
 * </pre>
 * {@code in} says what it anchors: {@code postgresql} (the event was committed there, so the database must hold it
 * for as long as the retention keeps it) or {@code journal} (the event was durable in the local journal, which is
 * the store without PostgreSQL).
 * The signature covers the text from {@code bulwark-checkpoint/1} to just before {@code " sig="}, as written: a line
 * someone else writes into the log (whatever a user can make the application log) does not verify.
 *
 * @param hash  the hash of event {@code seq}: what the stored event must hash to
 * @param store where event {@code seq} was when it was taken
 * @param at    when it was taken
 */
public record Checkpoint(UUID writer, long seq, byte[] hash, Store store, Instant at, String keyId, String signedText,
        byte[] signature) {

    /** What a checkpoint anchors. */
    public enum Store {
        /** Committed in PostgreSQL: it must be there. */
        POSTGRESQL,
        /** Durable in the local journal, the store without PostgreSQL: it must be there (or expired). */
        JOURNAL;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final String TAG = "bulwark-checkpoint/1";
    private static final String SIG = " sig=";

    public Checkpoint {
        hash = hash.clone();
        signature = signature.clone();
    }

    /** A checkpoint of event {@code seq} of {@code writer}'s chain, signed with {@code key}. */
    public static Checkpoint make(ChainKey key, UUID writer, long seq, byte[] hash, Store store, Instant at) {
        String text = TAG + " writer=" + writer + " seq=" + seq + " hash=" + b64(hash) + " in=" + store.text() + " at="
                + at + " key=" + key.id();
        return new Checkpoint(writer, seq, hash, store, at, key.id(), text, key.sign(text));
    }

    /** The line, as the file and the log hold it. */
    public String line() {
        return signedText + SIG + b64(signature);
    }

    /** Whether {@code key} signed it (the caller picks the key by {@link #keyId()}). */
    public boolean signedBy(ChainKey key) {
        return key.id().equals(keyId) && key.signed(signedText, signature);
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * The checkpoint in {@code line}, or null when it holds none.
     *
     * @throws IllegalArgumentException when it holds one that is cut short or malformed
     */
    public static Checkpoint find(String line) {
        int start = line.indexOf(TAG + " ");
        if (start < 0) {
            return null;
        }
        int sig = line.indexOf(SIG, start);
        if (sig < 0) {
            throw new IllegalArgumentException("a checkpoint without its signature");
        }
        String text = line.substring(start, sig);
        int sigEnd = line.indexOf(' ', sig + SIG.length());
        String signature = line.substring(sig + SIG.length(), sigEnd < 0 ? line.length() : sigEnd).strip();
        String[] fields = text.substring(TAG.length() + 1).split(" ");
        if (fields.length != 6) {
            throw new IllegalArgumentException("a checkpoint of " + fields.length + " fields: expected 6");
        }
        Store store = switch (field(fields[3], "in")) {
            case "postgresql" -> Store.POSTGRESQL;
            case "journal" -> Store.JOURNAL;
            default -> throw new IllegalArgumentException("a checkpoint of an unknown store");
        };
        try {
            return new Checkpoint(UUID.fromString(field(fields[0], "writer")), Long.parseLong(field(fields[1], "seq")),
                    unb64(field(fields[2], "hash")), store, Instant.parse(field(fields[4], "at")),
                    field(fields[5], "key"), text, unb64(signature));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a checkpoint with a malformed time", e);
        }
    }

    private static String field(String field, String name) {
        if (!field.startsWith(name + "=")) {
            throw new IllegalArgumentException("a checkpoint field '" + field + "' where " + name + "= was expected");
        }
        return field.substring(name.length() + 1);
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unb64(String text) {
        return Base64.getUrlDecoder().decode(text);
    }

    @Override
    public String toString() {
        return "checkpoint of " + at + " (#" + seq + " in " + store.text() + ")";
    }
}
