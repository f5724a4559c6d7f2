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
        if (!store.clustered()) {
            send(batch, null);
            return;
        }
        // A cluster node's batcher: its checks' slots, each a script run of its own (a script may not cross slots),
        // all written to the node in one pipeline, one round trip for the lot.
        List<List<Pending>> bySlot = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (Pending p : batch) {
            int slot = store.slot(p.check.keys().get(0));
            int g = slots.indexOf(slot);
            if (g < 0) {
                slots.add(slot);
                bySlot.add(new ArrayList<>());
                g = slots.size() - 1;
            }
            bySlot.get(g).add(p);
        }
        if (bySlot.size() == 1) {
            send(batch, null);
            return;
        }
        List<RedisStore.Call> calls = new ArrayList<>(bySlot.size());
        for (List<Pending> group : bySlot) {
            calls.add(call(group));
        }
        Object[] replies = store.runOnOneNode(calls);
        for (int g = 0; g < bySlot.size(); g++) {
            // null: not decided there (MOVED, ASK, NOSCRIPT, a broken connection...): sent alone, the way that follows
            // redirections and failovers.
            send(bySlot.get(g), replies[g] == null ? null : replies[g]);
        }
    }

    private RedisStore.Call call(List<Pending> batch) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        args.add(now.get());
        args.add(Integer.toString(batch.size()));
        for (Pending p : batch) {
            keys.addAll(p.check.keys());
            args.addAll(p.check.body());
        }
        return new RedisStore.Call(keys, args);
    }

    /** Answers {@code batch} with {@code reply}, the script's answer to it, or runs the script for it if null. */
    private void send(List<Pending> batch, Object reply) {
        try {
            if (reply == null) {
                if (allAbandoned(batch)) {
                    return;
                }
                reply = store.run(call(batch));
            }
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

    private static boolean allAbandoned(List<Pending> batch) {
        for (Pending p : batch) {
            if (!p.abandoned) {
                return false;
            }
        }
        return true;
    }
}
