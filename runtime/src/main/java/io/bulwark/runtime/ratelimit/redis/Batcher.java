package io.bulwark.runtime.ratelimit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Coalesces concurrent script calls into pipelined batches, without a thread of its own: a caller queues its
 * call, then, while a connection is free, takes everything queued and sends it as one pipeline. Alone, a
 * caller sends its own call at once (no added latency); under load, one round trip carries many calls, and
 * Redis spends its time on scripts rather than on reading sockets.
 *
 * <p>Nothing is merged: every call is still its own atomic script run, so batching cannot weaken a limit.
 */
final class Batcher {

    /** Calls per pipeline at most: keeps one slow batch from holding many callers. */
    static final int MAX_BATCH = 64;

    private final RedisStore store;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore senders;
    private final long waitNanos;

    /**
     * @param senders at most this many batches in flight: the pool's connections
     * @param waitNanos how long a caller waits for its answer, whoever sends it
     */
    Batcher(RedisStore store, int senders, long waitNanos) {
        this.store = store;
        this.senders = new Semaphore(senders);
        this.waitNanos = waitNanos;
    }

    private static final class Pending {
        final RedisStore.Call call;
        final Thread waiter;
        volatile boolean done;
        volatile boolean abandoned;
        Object reply;
        StoreException failure;

        Pending(RedisStore.Call call, Thread waiter) {
            this.call = call;
            this.waiter = waiter;
        }
    }

    /** The script's reply to {@code call}; throws when Redis fails or does not answer in time. */
    Object call(RedisStore.Call call) throws StoreException {
        Pending pending = new Pending(call, Thread.currentThread());
        queue.add(pending);
        flush();
        long deadline = System.nanoTime() + waitNanos;
        while (!pending.done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // If it is still queued it will be skipped; if it is on the wire its answer is dropped.
                pending.abandoned = true;
                throw new StoreException("no answer from Redis within " + waitNanos / 1_000_000 + " ms");
            }
            LockSupport.parkNanos(this, left);
        }
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.reply;
    }

    private void flush() {
        // Re-checked after each release: a call queued while every sender was busy is picked up by whichever
        // sender finishes first, or by its own caller, who finds a permit free.
        while (!queue.isEmpty() && senders.tryAcquire()) {
            try {
                List<Pending> batch = new ArrayList<>();
                for (Pending p = queue.poll(); p != null; p = batch.size() < MAX_BATCH ? queue.poll() : null) {
                    if (!p.abandoned) {
                        batch.add(p);
                    }
                }
                if (!batch.isEmpty()) {
                    send(batch);
                }
            } finally {
                senders.release();
            }
        }
    }

    private void send(List<Pending> batch) {
        List<RedisStore.Call> calls = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            calls.add(p.call);
        }
        try {
            List<Object> replies = store.run(calls);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).reply = replies.get(i);
            }
        } catch (StoreException | RuntimeException e) {
            StoreException failure = e instanceof StoreException se ? se
                    : new StoreException("unexpected failure talking to Redis: " + e, e);
            for (Pending p : batch) {
                p.failure = failure;
            }
        }
        for (Pending p : batch) {
            p.done = true;
            LockSupport.unpark(p.waiter);
        }
    }
}
