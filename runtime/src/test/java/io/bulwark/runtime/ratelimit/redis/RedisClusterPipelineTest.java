package io.bulwark.runtime.ratelimit.redis;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bulwark.RateLimitedException;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.testing.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/**
 * A cluster node's checks of many slots go out as one pipeline of script runs ({@link RedisStore#runOnOneNode}):
 * each decided in its own slot, and a run sent to a node that does not serve its slot (a stale hint) is refused
 * there with MOVED, never run, and left to be sent alone.
 */
class RedisClusterPipelineTest {

    @Test
    void runsOfSlotsOfOneNodeAreAnsweredAndARunOfAnotherNodesSlotIsLeftToBeSentAlone() throws Exception {
        try (RedisStore store = new RedisStore(RedisCluster.shared().settings(Duration.ofSeconds(2), 4))) {
            String prefix = "pipeline-" + System.nanoTime() + "-";
            List<String> here = new ArrayList<>();
            String elsewhere = null;
            HostAndPort node = store.node(store.slot(prefix + 0));
            for (int i = 0; here.size() < 3 || elsewhere == null; i++) {
                String key = prefix + i;
                if (store.node(store.slot(key)).equals(node)) {
                    if (here.isEmpty() || store.slot(key) != store.slot(here.get(0))) {
                        here.add(key);
                    }
                } else if (elsewhere == null) {
                    elsewhere = key;
                }
            }
            List<RedisStore.Call> calls = new ArrayList<>();
            for (String key : List.of(here.get(0), elsewhere, here.get(1), here.get(2))) {
                // One acquire of a GCRA limit of 2 a minute: emission 30 s, capacity 60 s.
                calls.add(new RedisStore.Call(List.of(key), List.of("", "1", "a", "1", "g", "30000000", "60000000")));
            }
            Object[] replies = store.runOnOneNode(calls);
            assertNull(replies[1], "a slot of another node is answered MOVED there, and left to be sent alone");
            for (int i : new int[] {0, 2, 3}) {
                assertNotNull(replies[i]);
                Reply reply = Reply.of(((List<?>) replies[i]).get(0), 1);
                assertEquals(true, reply.admitted());
            }
            // Sent alone, it is decided where it belongs; the others were taken once each (one of two left).
            Reply alone = Reply.of(((List<?>) store.run(calls.get(1))).get(0), 1);
            assertEquals(true, alone.admitted());
            Reply again = Reply.of(((List<?>) store.runOnOneNode(List.of(calls.get(0), calls.get(2)))[0]).get(0), 1);
            assertEquals(true, again.admitted());
            Reply third = Reply.of(((List<?>) store.runOnOneNode(List.of(calls.get(0), calls.get(2)))[0]).get(0), 1);
            assertNotEquals(true, third.admitted(), "the third acquire of a limit of two is refused");
        }
    }

    @Test
    void concurrentChecksOfManyKeysAdmitExactlyTheLimitOfEach() throws Exception {
        int keys = 200;
        int limit = 3;
        int threads = 16;
        try (RedisRateLimiter engine = new RedisRateLimiter(RedisCluster.shared().settings(Duration.ofSeconds(2), 2),
                new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false))) {
            RateLimiter.Limit[] perKey = {engine.limit(calls("pipeline-" + System.nanoTime(), limit, "1h"))};
            AtomicIntegerArray admitted = new AtomicIntegerArray(keys);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 13;
                Thread worker = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int round = 0; round < 2 * limit; round++) {
                        for (int k = 0; k < keys; k++) {
                            int key = (k + offset) % keys;
                            try {
                                engine.acquire(perKey, new String[] {"user-" + key});
                                admitted.incrementAndGet(key);
                            } catch (RateLimitedException refused) {
                                // spent
                            }
                        }
                    }
                });
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            for (int k = 0; k < keys; k++) {
                assertEquals(limit, admitted.get(k), "user-" + k);
            }
        }
    }
}
