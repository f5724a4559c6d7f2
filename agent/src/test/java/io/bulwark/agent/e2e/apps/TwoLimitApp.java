package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;
import io.bulwark.RateLimitedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A method with a per-user and a per-organisation limit (their keys in different cluster slots).
 * {@code TwoLimitApp <run> hammer}: 32 threads, 10 calls each, 8 users of organisation {@code <run>}.
 * {@code TwoLimitApp <run> rest}: each user calls 50 times for an organisation of its own, which never binds: what is
 * admitted is what the hammering left of the users' own quotas. Prints admitted= and refused=.
 */
public class TwoLimitApp {

    static final int USERS = 8;

    @RateLimited(name = "scale-user", limit = 50, window = "1d", key = "{user}")
    @RateLimited(name = "scale-org", limit = 100, window = "1d", key = "{org}")
    static void transfer(String user, String org) {
    }

    public static void main(String[] args) throws Exception {
        String run = args[0];
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        if (args[1].equals("rest")) {
            for (int u = 0; u < USERS; u++) {
                for (int i = 0; i < 50; i++) {
                    try {
                        transfer(run + "-user-" + u, run + "-own-org-" + u);
                        admitted.incrementAndGet();
                    } catch (RateLimitedException e) {
                        refused.incrementAndGet();
                    }
                }
            }
        } else {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                String user = run + "-user-" + t % USERS;
                Thread worker = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < 10; i++) {
                        try {
                            transfer(user, run);
                            admitted.incrementAndGet();
                        } catch (RateLimitedException e) {
                            refused.incrementAndGet();
                        }
                    }
                });
                worker.start();
                workers.add(worker);
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
        }
        System.out.println("admitted=" + admitted.get());
        System.out.println("refused=" + refused.get());
    }
}
