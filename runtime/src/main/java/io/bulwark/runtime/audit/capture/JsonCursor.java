package io.bulwark.runtime.audit.capture;

import io.bulwark.runtime.audit.json.JsonText;

/**
 * The text a {@link ValueWriter} is writing and where it stands in it: the open objects and arrays, whether each is
 * still empty, the size cap, and whether something was cut for it. Strings are cut here (at
 * {@link ValueWriter#MAX_STRING} characters, or the room left), so that every value kind counts against one cap.
 */
final class JsonCursor {

    final StringBuilder out = new StringBuilder(128);
    private final int cap;
    /** Per open object or array: whether nothing has been written into it yet. */
    private final boolean[] empty = new boolean[ValueWriter.MAX_DEPTH * 2 + 8];
    int level;
    boolean truncated;

    JsonCursor(int cap) {
        this.cap = cap;
    }

    /** Whether the cap has been reached: further members are left out. */
    boolean full() {
        return out.length() >= cap;
    }

    /** The comma before a member or element, unless it is the first in what is open. */
    void separate() {
        if (level > 0) {
            if (!empty[level - 1]) {
                out.append(',');
            }
            empty[level - 1] = false;
        }
    }

    void open(char bracket) {
        out.append(bracket);
        empty[level++] = true;
    }

    void close(char bracket) {
        out.append(bracket);
        level--;
    }

    /** A member's name and its colon, after the comma it needs. */
    void name(String name) {
        separate();
        JsonText.quote(out, name);
        out.append(':');
    }

    void string(String s) {
        int room = Math.max(0, cap - out.length());
        int keep = Math.min(s.length(), Math.min(ValueWriter.MAX_STRING, Math.max(room, 16)));
        if (keep < s.length() && keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        if (keep == s.length()) {
            JsonText.quote(out, s, 0, keep);
            return;
        }
        truncated |= keep < Math.min(s.length(), ValueWriter.MAX_STRING);
        StringBuilder cut = new StringBuilder(keep + 32);
        Text.appendClean(cut, s, 0, keep);
        cut.append("…[").append(s.length() - keep).append(" more characters]");
        JsonText.quote(out, cut, 0, cut.length());
    }

    /** What an object shows when its contents are not written: {@code {"_type":"com.acme.Foo"}}. */
    void type(Object value) {
        out.append("{\"_type\":");
        JsonText.quote(out, value.getClass().getName());
        out.append('}');
    }
}
