package io.bulwark.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCountsTest {

    @Test
    void concurrentAddsFromMoreThreadsThanSlotsAreAllCounted() throws Exception {
        ThreadCounts counts = new ThreadCounts(4);
        int threads = 16;
        int each = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int counter = t % 3;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < each; i++) {
                    counts.increment(counter);
                }
            });
            thread.start();
            running.add(thread);
        }
        go.countDown();
        for (Thread thread : running) {
            thread.join();
        }
        assertEquals(6L * each, counts.sum(0));
        assertEquals(5L * each, counts.sum(1));
        assertEquals(5L * each, counts.sum(2));
    }

    @Test
    void aDeadThreadsCountStaysWhenAnotherTakesItsCellOver() throws Exception {
        ThreadCounts counts = new ThreadCounts(2);
        for (int round = 0; round < 50; round++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    counts.increment(7);
                }
            });
            thread.start();
            thread.join();
        }
        counts.increment(7);
        assertEquals(5_001, counts.sum(7));
        assertEquals(0, counts.sum(3), "a counter no thread added to");
        assertEquals(0, counts.sum(100), "a counter past every cell");
    }
}
