package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.RateLimitedException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code threads} virtual threads (JDK 21+; reached by reflection, as the tests compile for 17), each bound to its own
 * caller, each calling a guarded method keyed by the caller three times; the method sleeps, so the thread leaves its
 * carrier and comes back, perhaps on another. The limit is 2 per caller: each thread must see OK, OK, refused, and
 * inside the method the caller it bound. Then, as a control for the pinning check, one virtual thread parks where
 * the JVM does pin it (in a class initializer), outside any Bulwark frame.
 */
public class VirtualThreadsApp {

    private static final AtomicInteger admitted = new AtomicInteger();
    private static final AtomicInteger refused = new AtomicInteger();
    private static final AtomicInteger ownCaller = new AtomicInteger();
    private static final AtomicInteger wrong = new AtomicInteger();

    @io.bulwark.RateLimited(name = "per-user", limit = 2, window = "1h", key = "{caller.user}")
    static String keyed() throws InterruptedException {
        Thread.sleep(1);
        return Bulwark.caller().user();
    }

    /** Parks in its initializer: a virtual thread initializing it is pinned (the control). */
    static final class PinnedControl {
        static {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        // One guarded call first, on this platform thread: the classes a call's path loads (the API's, the key's,
        // the engine's) are loaded by it, not by 10,000 virtual threads at once. A first use racing others waits
        // for the class loader (its lock, the jar's), and a virtual thread waiting there is pinned (JDK 25 records
        // even 25 us of it): the JVM's class loading, paid once per path, which the agent's warm-up covers only
        // for the common path. The check below is on the calls that follow.
        try (Bulwark.Scope warm = Bulwark.bind(Caller.of("warm-up"))) {
            keyed();
        }
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            for (int i = 0; i < threads; i++) {
                String user = "user-" + i;
                executor.execute(() -> {
                    boolean virtual;
                    try {
                        virtual = (Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                    try (Bulwark.Scope scope = Bulwark.bind(Caller.of(user))) {
                        for (int call = 1; call <= 3; call++) {
                            try {
                                String seen = keyed();
                                admitted.incrementAndGet();
                                (seen.equals(user) && virtual ? ownCaller : wrong).incrementAndGet();
                            } catch (RateLimitedException e) {
                                refused.incrementAndGet();
                                if (call != 3 || !Bulwark.caller().user().equals(user)) {
                                    wrong.incrementAndGet();
                                }
                            } catch (InterruptedException e) {
                                wrong.incrementAndGet();
                            }
                        }
                    }
                });
            }
        } finally {
            executor.shutdown();
        }
        if (!executor.awaitTermination(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the virtual threads did not finish");
        }
        System.out.println("admitted=" + admitted.get());
        System.out.println("refused=" + refused.get());
        System.out.println("ownCaller=" + ownCaller.get());
        System.out.println("wrong=" + wrong.get());
        ExecutorService control = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            control.submit(PinnedControl::touch).get(10, TimeUnit.SECONDS);
        } finally {
            control.shutdown();
        }
        System.out.println("control=done");
    }
}
