package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.RateLimited;
import io.bulwark.RateLimitedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** 64 threads hammering one key of a quota; prints how many calls were admitted. Run in several JVMs at once. */
public class SharedQuotaApp {

    @RateLimited(name = "shared-quota", limit = 100, window = "1d", key = "{caller.user}")
    static void call() {
    }

    public static void main(String[] args) throws Exception {
        String run = args[0];
        int threads = 64;
        int callsPerThread = 10;
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try (Bulwark.Scope scope = Bulwark.bind(Caller.of(run))) {
                    start.await();
                    for (int i = 0; i < callsPerThread; i++) {
                        try {
                            call();
                            admitted.incrementAndGet();
                        } catch (RateLimitedException e) {
                            refused.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("admitted=" + admitted.get());
        System.out.println("refused=" + refused.get());
    }
}
