package io.bulwark.agent.internal.weaving;

/**
 * Whether a class file names one of Bulwark's guard annotations: the fallback's question for a class the processor's
 * index does not list (compiled without bulwark-processor). An annotation on a method is recorded by its type's
 * descriptor ({@code Lio/bulwark/RateLimited;}) in a CONSTANT_Utf8 entry of the constant pool, so a class whose pool
 * holds none of the four descriptors cannot carry a guard, and is passed on without being parsed.
 *
 * <p>Asked for every class the index does not list, as the JVM loads it, so it only walks the constant pool (tag,
 * length, skip): no allocation, no ASM, JDK classes only (the {@link Gate} asks it before the weaver is set up).
 * On the 5,000-class application of {@code StartupReport} it costs a few milliseconds in all (benchmarks/README.md).
 * A class file it cannot walk (an unknown tag, a truncated pool) is answered {@link #UNREADABLE}: the weaver then
 * parses it, and says what is wrong with it, rather than letting guards through unread.
 */
final class GuardDescriptors {

    static final int RATE_LIMITED = 1;
    static final int AUDITED = 2;
    static final int REQUIRES_2FA = 4;
    /** The class file could not be walked: it may name any guard, nothing says it does. */
    static final int UNREADABLE = 8;

    private static final byte[] RATE_LIMITED_DESCRIPTOR = ascii("Lio/bulwark/RateLimited;");
    /** The repeatable container, which javac writes instead when a method carries two. */
    private static final byte[] RATE_LIMITED_LIST_DESCRIPTOR = ascii("Lio/bulwark/RateLimited$List;");
    private static final byte[] AUDITED_DESCRIPTOR = ascii("Lio/bulwark/Audited;");
    private static final byte[] REQUIRES_2FA_DESCRIPTOR = ascii("Lio/bulwark/Requires2FA;");
    /** {@code Lio/bulwark/}: every descriptor above starts with it. */
    private static final int PREFIX = 12;

    private GuardDescriptors() {
    }

    private static byte[] ascii(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(i);
        }
        return bytes;
    }

    /**
     * The guard annotations {@code bytes} names, as {@link #RATE_LIMITED}, {@link #AUDITED} and
     * {@link #REQUIRES_2FA} bits; 0 for none; {@link #UNREADABLE} when the class file cannot be walked.
     */
    static int named(byte[] bytes) {
        try {
            if (bytes.length < 10 || (bytes[0] & 0xFF) != 0xCA || (bytes[1] & 0xFF) != 0xFE
                    || (bytes[2] & 0xFF) != 0xBA || (bytes[3] & 0xFF) != 0xBE) {
                return UNREADABLE;
            }
            int count = u2(bytes, 8);
            int at = 10;
            int found = 0;
            for (int i = 1; i < count; i++) {
                int tag = bytes[at];
                switch (tag) {
                    case 1 -> {
                        int length = u2(bytes, at + 1);
                        // All four descriptors are 20 to 29 bytes and start with 'L': most entries stop here.
                        if (length >= 20 && length <= 29 && bytes[at + 3] == 'L') {
                            found |= descriptor(bytes, at + 3, length);
                        }
                        at += 3 + length;
                    }
                    case 3, 4 -> at += 5;
                    case 5, 6 -> {
                        at += 9;
                        i++;
                    }
                    case 7, 8, 16, 19, 20 -> at += 3;
                    case 9, 10, 11, 12, 17, 18 -> at += 5;
                    case 15 -> at += 4;
                    default -> {
                        return UNREADABLE;
                    }
                }
            }
            return found;
        } catch (ArrayIndexOutOfBoundsException e) {
            return UNREADABLE;
        }
    }

    private static int descriptor(byte[] bytes, int start, int length) {
        if (!startsWith(bytes, start, RATE_LIMITED_DESCRIPTOR, PREFIX)) {
            return 0;
        }
        if (equal(bytes, start, length, RATE_LIMITED_DESCRIPTOR)
                || equal(bytes, start, length, RATE_LIMITED_LIST_DESCRIPTOR)) {
            return RATE_LIMITED;
        }
        if (equal(bytes, start, length, AUDITED_DESCRIPTOR)) {
            return AUDITED;
        }
        return equal(bytes, start, length, REQUIRES_2FA_DESCRIPTOR) ? REQUIRES_2FA : 0;
    }

    private static boolean startsWith(byte[] bytes, int start, byte[] expected, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(byte[] bytes, int start, int length, byte[] expected) {
        return length == expected.length && startsWith(bytes, start, expected, length);
    }

    private static int u2(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }
}
