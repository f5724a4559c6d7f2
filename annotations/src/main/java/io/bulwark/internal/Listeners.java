package io.bulwark.internal;

import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.Subscription;
import java.util.Arrays;
import java.util.Objects;

/**
 * The registered {@link BulwarkListener}s: one list for the JVM, in the bootstrap loader with the rest of the API, so
 * that the application registers from its own loader and the runtime (in the agent's isolated loader) reads the same
 * list. Not API: {@link io.bulwark.Bulwark#listen} is.
 */
public final class Listeners {

    private static final BulwarkListener[] NONE = new BulwarkListener[0];

    // Replaced, never changed in place: a decision reads it once (a plain load) and walks a stable array.
    private static volatile BulwarkListener[] all = NONE;
    /**
     * Whether some listener of {@link #all} {@linkplain BulwarkListener#wantsEveryAdmission() wants every admission}.
     * Written before {@code all}; a decision racing a registration may see the old answer, as it may see the old
     * listeners.
     */
    private static volatile boolean everyAdmission;
    /** Each listener's answer, asked once at registration, in the order of {@link #all}; under the lock. */
    private static boolean[] wants = new boolean[0];

    private Listeners() {
    }

    /** The listeners now; an empty array when there are none. Callers must not change it. */
    public static BulwarkListener[] all() {
        return all;
    }

    /** Whether some registered listener wants every admitted decision, not only the counts. */
    public static boolean everyAdmission() {
        return everyAdmission;
    }

    public static Subscription add(BulwarkListener listener) {
        Objects.requireNonNull(listener, "listener");
        boolean every = wantsEvery(listener);
        synchronized (Listeners.class) {
            BulwarkListener[] next = Arrays.copyOf(all, all.length + 1);
            next[next.length - 1] = listener;
            wants = Arrays.copyOf(wants, next.length);
            wants[next.length - 1] = every;
            publish(next);
        }
        return new Registered(listener);
    }

    private static synchronized void remove(BulwarkListener listener) {
        BulwarkListener[] now = all;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == listener) {
                BulwarkListener[] next = new BulwarkListener[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                boolean[] left = new boolean[next.length];
                System.arraycopy(wants, 0, left, 0, i);
                System.arraycopy(wants, i + 1, left, i, now.length - i - 1);
                wants = left;
                publish(next.length == 0 ? NONE : next);
                return;
            }
        }
    }

    /** Under the lock. */
    private static void publish(BulwarkListener[] next) {
        boolean every = false;
        for (boolean w : wants) {
            every |= w;
        }
        everyAdmission = every;
        all = next;
    }

    /** A listener that throws when asked is taken to want everything, as every listener did before it could say. */
    private static boolean wantsEvery(BulwarkListener listener) {
        try {
            return listener.wantsEveryAdmission();
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static final class Registered implements Subscription {
        private final BulwarkListener listener;
        private boolean closed;

        Registered(BulwarkListener listener) {
            this.listener = listener;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            remove(listener);
        }
    }
}
