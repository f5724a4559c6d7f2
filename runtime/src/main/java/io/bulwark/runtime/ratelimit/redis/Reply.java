package io.bulwark.runtime.ratelimit.redis;

import java.util.List;

/**
 * The script's answer to an acquire, checked for shape: anything else (a proxy, a wrong script, a corrupted
 * reply) is a store failure, never a decision.
 */
record Reply(boolean admitted, int index, long waitMicros, long resetMicros, int reason, List<?> raw) {

    static Reply of(Object reply, int limits) throws StoreException {
        if (!(reply instanceof List<?> values) || values.isEmpty() || !allLongs(values)) {
            throw garbage(reply);
        }
        if ((Long) values.get(0) == 1 && values.size() == limits + 2) {
            return new Reply(true, -1, 0, 0, 0, values);
        }
        if ((Long) values.get(0) == 0 && values.size() == 5) {
            long index = (Long) values.get(1);
            long wait = (Long) values.get(2);
            long reason = (Long) values.get(4);
            if (index >= 1 && index <= limits && wait > 0 && reason >= 1 && reason <= 4) {
                return new Reply(false, (int) index - 1, wait, (Long) values.get(3), (int) reason, values);
            }
        }
        throw garbage(reply);
    }

    static void settled(Object reply) throws StoreException {
        if (!(reply instanceof List<?> values) || values.size() != 1 || !Long.valueOf(1).equals(values.get(0))) {
            throw garbage(reply);
        }
    }

    boolean locked() {
        return reason == 2;
    }

    /** Attempts in flight free up within a call's time: remembering that refusal would refuse for too long. */
    boolean cacheable() {
        return reason != 4;
    }

    long reservation(int limitIndex) {
        return (Long) raw.get(limitIndex + 2);
    }

    private static boolean allLongs(List<?> values) {
        for (Object v : values) {
            if (!(v instanceof Long)) {
                return false;
            }
        }
        return true;
    }

    private static StoreException garbage(Object reply) {
        return new StoreException("unexpected reply from the rate-limit script: " + shown(reply));
    }

    /** A reply as a log may show it: bounded. */
    static String shown(Object reply) {
        String shown = String.valueOf(reply);
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }
}
