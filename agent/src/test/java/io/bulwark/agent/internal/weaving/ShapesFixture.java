package io.bulwark.agent.internal.weaving;

/**
 * Method shapes for {@link GuardWeavingShapesTest} that javac makes: switches, returns from nested finally blocks,
 * methods that only throw, an instance method beside a constructor that is not woven.
 */
public class ShapesFixture {

    /** What the finally blocks did, in order: each woven class has its own copy of this field. */
    public static final StringBuilder TRACE = new StringBuilder();

    private final String name;
    private final int weight;

    /** Branches before {@code super()} returns: frames with an uninitialized {@code this}, left as they are. */
    public ShapesFixture(String name, int weight) {
        this(weight < 0 ? "-" + name : name, weight < 0 ? -weight : weight, true);
    }

    private ShapesFixture(String name, int weight, boolean checked) {
        super();
        if (!checked) {
            throw new IllegalStateException();
        }
        this.name = name;
        this.weight = weight;
    }

    /** An instance method of a class whose constructors are not woven. */
    public String describe(String prefix) {
        if (weight == 0) {
            return prefix + name;
        }
        return prefix + name + "*" + weight;
    }

    /** A dense switch: tableswitch, with returns in several cases and a fall through. */
    @SuppressWarnings("fallthrough")
    public static String dense(int day) {
        switch (day) {
            case 1:
                return "mon";
            case 2:
                return "tue";
            case 3:
            case 4:
                return "mid";
            case 5:
                day += 10;
                // fall through
            case 6:
                return "late" + day;
            default:
                break;
        }
        return "none";
    }

    /** A sparse switch: lookupswitch, returning a long from cases and after. */
    public static long sparse(int code) {
        long base = 7;
        switch (code) {
            case -1000:
                return base - 1000;
            case 0:
                return 0L;
            case 77777:
                base *= 2;
                break;
            default:
                return -base;
        }
        return base;
    }

    /** A switch on strings: a lookupswitch on hash codes, then a tableswitch, with returns in both. */
    public static int strings(String word) {
        return switch (word) {
            case "one" -> 1;
            case "two" -> 2;
            default -> {
                if (word.isEmpty()) {
                    yield -1;
                }
                yield word.length() * 100;
            }
        };
    }

    /** Returns from inside nested try/finally blocks, and throws through them. */
    public static int nested(int x) {
        try {
            TRACE.append('a');
            try {
                TRACE.append('b');
                if (x == 0) {
                    return 10;
                }
                if (x == 1) {
                    throw new IllegalArgumentException("one");
                }
                try {
                    if (x == 2) {
                        return 20;
                    }
                } finally {
                    TRACE.append('i');
                }
            } finally {
                TRACE.append('f');
                if (x == 3) {
                    return 30;
                }
            }
            if (x == 4) {
                throw new UnsupportedOperationException("four");
            }
            return 40;
        } catch (IllegalArgumentException e) {
            TRACE.append('c');
            return 50;
        } finally {
            TRACE.append('o');
        }
    }

    /**
     * Starts with a loop whose head is at offset 0 and is also the start of a protected range; the handler jumps back
     * to it: in the woven code both must land after the entry call, which runs once a call.
     */
    public static int retry(int failures) {
        while (true) {
            try {
                if (failures-- > 0) {
                    throw new IllegalStateException("again");
                }
                return failures;
            } catch (IllegalStateException e) {
                TRACE.append('r');
            }
        }
    }

    /** No return instruction at all. */
    public static void alwaysThrows(String message) {
        throw new IllegalStateException(message);
    }

    /** No return instruction either, but two throws and a value-returning descriptor. */
    public static long neverReturns(int x) throws Exception {
        if (x > 0) {
            throw new Exception("positive " + x);
        }
        throw new ArithmeticException("not positive " + x);
    }
}
