package io.bulwark.runtime.ratelimit.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Coalesces concurrent checks into one script run, without a thread of its own: a caller queues its check, then,
 * while a sender slot is free, takes everything queued and sends it as one {@code EVALSHA}. Alone, a caller sends
 * its own check at once (no added latency); under load, one round trip and one script run carry many checks, so
 * Redis spends its time deciding rather than reading sockets and dispatching commands.
 *
 * <p>The script decides the checks of a run one after the other, each as if it had come alone: batching never
 * weakens a limit.
 */
final class Batcher {

    /** Checks per script run at most: keeps one run short, so that it delays nobody noticeably. */
    static final int MAX_BATCH = 64;

    private final RedisStore store;
    private final Supplier<String> now;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore senders;
    private final long waitNanos;

    /**
     * @param now       the script's first argument: {@code ""} for Redis's clock, or a test's clock
     * @param senders   script runs in flight at most
     * @param waitNanos how long a caller waits for its answer, whoever sends it
     */
    Batcher(RedisStore store, Supplier<String> now, int senders, long waitNanos) {
        this.store = store;
        this.now = now;
        this.senders = new Semaphore(senders);
        this.waitNanos = waitNanos;
    }

    private static final class Pending {
        final Check check;
        final Thread waiter;
        volatile boolean done;
        volatile boolean abandoned;
        Object answer;
        StoreException failure;

        Pending(Check check, Thread waiter) {
            this.check = check;
            this.waiter = waiter;
        }
    }

    /** The script's answer to {@code check}; throws when Redis fails or does not answer in time. */
    Object call(Check check) throws StoreException {
        Pending pending = new Pending(check, Thread.currentThread());
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
        return pending.answer;
    }

    private void flush() {
        // Re-checked after each release: a check queued while every sender was busy is picked up by whichever
        // sender finishes first, or by its own caller, who then finds a slot free.
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
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(now.get());
        args.add(Integer.toString(batch.size()));
        for (Pending p : batch) {
            keys.addAll(p.check.keys());
            args.addAll(p.check.body());
        }
        try {
            Object reply = store.run(new RedisStore.Call(keys, args));
            if (!(reply instanceof List<?> answers) || answers.size() != batch.size()) {
                throw new StoreException("unexpected reply from the rate-limit script: " + Reply.shown(reply));
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer = answers.get(i);
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
