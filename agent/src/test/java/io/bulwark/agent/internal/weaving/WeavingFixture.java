package io.bulwark.agent.internal.weaving;

import java.io.IOException;

/** Method shapes the weaving must keep valid and unchanged in effect: see {@link GuardWeavingTest}. */
public class WeavingFixture {

    public static int finallies;

    private final String prefix;

    public WeavingFixture(String prefix) {
        this.prefix = prefix;
    }

    public static long mix(long a, int b, double c, boolean flag, char ch, byte by, short sh, float f) {
        return a + b + (long) c + (flag ? 1 : 0) + ch + by + sh + (long) f;
    }

    public String pick(boolean first, String a, String b) {
        if (first) {
            return prefix + a;
        }
        return prefix + b;
    }

    /** Starts with a loop: the first instruction is a jump target with a frame of its own. */
    public static int countdown(int n) {
        while (n > 0) {
            n--;
        }
        return n;
    }

    /** Long and double locals between frames: the token's slot comes after two-slot values. */
    public static long sum(int[] values, double scale) {
        long total = 0;
        for (int v : values) {
            total += v;
        }
        double scaled = total * scale;
        return (long) scaled;
    }

    public static void fails(String message) throws IOException {
        throw new IOException(message);
    }

    /** Returns inside try, catch and after a finally: the method's own handlers come first. */
    public static int guarded(int x) {
        try {
            if (x < 0) {
                throw new IllegalStateException("negative");
            }
            return x;
        } catch (IllegalStateException e) {
            return -1;
        } finally {
            finallies++;
        }
    }

    public static void nothing() {
    }

    public synchronized double twice(double d) {
        return d * 2;
    }

    /** Throws from a nested call, not from its own code. */
    public static String nested(String value) {
        return value.substring(5);
    }
}
