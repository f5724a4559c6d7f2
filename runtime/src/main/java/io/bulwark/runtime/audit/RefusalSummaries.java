package io.bulwark.runtime.audit;

import io.bulwark.RateLimitedException;
import io.bulwark.runtime.audit.capture.Redactor;
import io.bulwark.runtime.audit.capture.UuidV7;
import io.bulwark.runtime.audit.json.JsonText;
import io.bulwark.runtime.log.Log;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a flood of refusals from filling the journal: of the calls one policy refuses for one key within one minute
 * (UTC, by the time each call was captured), the first {@link #FIRST_FEW} are recorded one by one as always; the
 * others are only counted, and one {@code denied} event carries their count once the minute is over. So hammering a
 * locked endpoint, at whatever rate, costs the journal at most {@code FIRST_FEW + 1} events per key, policy and
 * minute, and the trail still says who was refused, by which policy, how often and when.
 *
 * <p>The summary is an event of the method that refused: the caller, action and resource of the first call it counts,
 * status {@code denied}, the refusal's message with the count, and {@code changes}
 * {@code {"summary":{"policy":...,"key":"hmac:...","minute":"2026-12-03T14:05:00Z","refused":N}}}. The key is kept as
 * its keyed hash ({@code @Redact(mode = HASH)}'s): equal keys match across events, and a key built from a value that
 * is redacted elsewhere (or an address) is not written out.
 *
 * <p>Summaries are written when their minute has passed, by a daemon thread that wakes once a minute while anything is
 * counted, and at the latest when the pipeline closes (a normal exit). A JVM killed outright loses the counts of its
 * last minute; the first few refusals of it are in the journal. At most {@link #MAX_COUNTED} keys are counted at
 * once: past that, refusals are recorded one by one again (a flood over that many keys costs what it did before).
 */
public final class RefusalSummaries {

    /**
     * Refusals of one key by one policy in one minute recorded one by one before the rest are only counted: enough
     * that a person retrying while locked out (a handful of tries) leaves an event for each, each at its time; a flood
     * costs at most this and one more a minute.
     */
    public static final int FIRST_FEW = 10;
    static final int MAX_COUNTED = 100_000;
    /** How long after its minute a summary waits for refusals captured in that minute and still on their way. */
    private static final long GRACE_MICROS = TimeUnit.SECONDS.toMicros(2);

    private record Key(String action, String policy, String key, long minute) {
    }

    /** One key's refusals by one policy in one minute. Guarded by itself. */
    private static final class Window {
        long seen;
        long counted;
        Draft first;
        String message;
        boolean closed;
    }

    private final AuditPipeline pipeline;
    private final ConcurrentHashMap<Key, Window> windows = new ConcurrentHashMap<>();
    private Thread sweeper;

    RefusalSummaries(AuditPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * A call {@code refusal} refused for {@code key} (as the policy rendered it) was captured as {@code pending}:
     * true when it is only counted (its place in the pipeline is given back: the caller must not record it), false
     * when it must be recorded as always.
     */
    public boolean counted(AuditCapture.Pending pending, RateLimitedException refusal, String key) {
        Draft draft = pending.draft;
        Key k = new Key(draft.action, refusal.policy(), key, Math.floorDiv(draft.occurredAtMicros, 60_000_000L));
        while (true) {
            Window w = windows.get(k);
            if (w == null) {
                if (windows.size() >= MAX_COUNTED) {
                    return false;
                }
                Window fresh = new Window();
                w = windows.putIfAbsent(k, fresh);
                if (w == null) {
                    w = fresh;
                }
            }
            synchronized (w) {
                if (w.closed) {
                    // Written out a moment ago: this refusal belongs to a new count.
                    windows.remove(k, w);
                    continue;
                }
                if (++w.seen <= FIRST_FEW) {
                    return false;
                }
                if (w.counted++ == 0) {
                    w.first = draft;
                    w.message = refusal.getClass().getSimpleName() + ": " + refusal.getMessage();
                    startSweeper();
                }
            }
            pipeline.release();
            return true;
        }
    }

    /**
     * Writes the summaries of minutes that are over ({@code all}: of every minute, as the pipeline closes); a summary
     * that finds no room in the pipeline waits for the next sweep.
     */
    void sweep(boolean all) {
        long now = Instant.now().toEpochMilli() * 1_000;
        Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Window> e = it.next();
            Key k = e.getKey();
            if (!all && (k.minute() + 1) * 60_000_000L + GRACE_MICROS > now) {
                continue;
            }
            Window w = e.getValue();
            synchronized (w) {
                if (w.counted > 0) {
                    if (!pipeline.reserve()) {
                        continue;
                    }
                    pipeline.submit(summary(k, w, now));
                }
                w.closed = true;
            }
            it.remove();
        }
    }

    /** Refusals counted and not yet written in a summary (for tests). */
    long waiting() {
        long n = 0;
        for (Window w : windows.values()) {
            synchronized (w) {
                n += w.counted;
            }
        }
        return n;
    }

    private Draft summary(Key k, Window w, long nowMicros) {
        Draft first = w.first;
        Draft d = new Draft(UuidV7.next(nowMicros / 1_000), nowMicros, first.caller, first.action, first.resourceType);
        d.resource(first.resourceId, first.resourceName);
        String minute = Instant.ofEpochSecond(k.minute() * 60).toString();
        StringBuilder json = new StringBuilder(160).append("{\"summary\":{\"policy\":");
        JsonText.quote(json, k.policy());
        Redactor redactor = pipeline.redactor();
        if (k.key() != null && redactor != null) {
            json.append(",\"key\":");
            JsonText.quote(json, redactor.hash(k.key()));
        }
        json.append(",\"minute\":\"").append(minute).append("\",\"refused\":").append(w.counted).append("}}");
        d.changes(json.toString());
        d.outcome(Status.DENIED, w.message + " (and " + (w.counted - 1) + " more refusal(s) of this key by policy '"
                + k.policy() + "' in the minute from " + minute + ": " + w.counted + " counted in this one event, "
                + "after the first " + FIRST_FEW + " recorded one by one)", 0);
        return d;
    }

    private synchronized void startSweeper() {
        if (sweeper != null) {
            return;
        }
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                sweepEveryMinute();
            }
        }, "bulwark-audit-refusals");
        t.setDaemon(true);
        sweeper = t;
        t.start();
    }

    private void sweepEveryMinute() {
        while (true) {
            long now = System.currentTimeMillis();
            // Just after the next minute's grace, when the minute before it can be written.
            long next = (now / 60_000 + 1) * 60_000 + TimeUnit.MICROSECONDS.toMillis(GRACE_MICROS) + 100;
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(next - now));
            try {
                sweep(false);
            } catch (RuntimeException e) {
                Log.warn("audit: summaries of repeated refusals could not be written yet (" + e.getMessage() + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "RefusalSummaries[" + windows.size() + " keys counted]";
    }
}
