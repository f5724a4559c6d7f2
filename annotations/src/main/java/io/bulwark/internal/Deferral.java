package io.bulwark.internal;

import java.util.function.Supplier;

/**
 * Lets a {@code Mono}/{@code Flux} method's body run at subscription time. The woven method, called, does not run its
 * body: it returns a publisher that, at each subscription, applies the guards and then calls the method again, non
 * virtually, to get the publisher its body builds. That second call must run the body, and only that call: before it,
 * {@link #run} marks the thread with the method's guard id, and the woven code ({@link Dispatch#deferring}) takes the
 * mark off as it runs the body.
 *
 * <p>Only {@link Dispatch} can make one, and it hands it to the runtime alone: application code cannot mark a thread,
 * so it cannot make a guarded method run its body without its guards. Not API.
 */
public final class Deferral {

    // int[] rather than Integer: one small array per thread that ever subscribes, no boxing on each call.
    private static final ThreadLocal<int[]> NEXT = new ThreadLocal<>();

    Deferral() {
    }

    /** Calls {@code body} (the method called again) so that its woven code runs the body of guard {@code guard}. */
    public Object run(int guard, Supplier<?> body) {
        int[] next = NEXT.get();
        if (next == null) {
            next = new int[1];
            NEXT.set(next);
        }
        next[0] = guard + 1;
        try {
            return body.get();
        } finally {
            // Taken off by the woven code when it runs; cleared here whatever happened before it got there.
            next[0] = 0;
        }
    }

    /** Whether this call of guard {@code guard}'s method is the one {@link #run} made; the mark is taken off. */
    static boolean takeMark(int guard) {
        int[] next = NEXT.get();
        if (next != null && next[0] == guard + 1) {
            next[0] = 0;
            return true;
        }
        return false;
    }
}
