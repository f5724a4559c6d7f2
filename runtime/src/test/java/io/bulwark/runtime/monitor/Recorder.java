package io.bulwark.runtime.monitor;

import io.bulwark.Bulwark;
import io.bulwark.monitoring.AuditRecorded;
import io.bulwark.monitoring.AuditShipped;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.StepUpDecision;
import io.bulwark.monitoring.StoreStateChange;
import io.bulwark.monitoring.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A listener that keeps everything it hears, registered through the public API as an application would. */
public final class Recorder implements BulwarkListener, AutoCloseable {

    public final List<RateLimitDecision> decisions = new CopyOnWriteArrayList<>();
    public final List<StepUpDecision> stepUps = new CopyOnWriteArrayList<>();
    public final List<AuditRecorded> recorded = new CopyOnWriteArrayList<>();
    public final List<AuditShipped> shipped = new CopyOnWriteArrayList<>();
    public final List<StoreStateChange> stores = new CopyOnWriteArrayList<>();
    private final Subscription subscription;

    public Recorder() {
        subscription = Bulwark.listen(this);
    }

    @Override
    public void onRateLimit(RateLimitDecision decision) {
        decisions.add(decision);
    }

    @Override
    public void onStepUp(StepUpDecision decision) {
        stepUps.add(decision);
    }

    @Override
    public void onAuditRecorded(AuditRecorded event) {
        recorded.add(event);
    }

    @Override
    public void onAuditShipped(AuditShipped batch) {
        shipped.add(batch);
    }

    @Override
    public void onStoreStateChange(StoreStateChange change) {
        stores.add(change);
    }

    /** Waits up to 20 s for something in {@code list} to match; fails with what was heard. */
    public static <T> T await(List<T> list, Predicate<T> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (T t : list) {
                if (match.test(t)) {
                    return t;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing matching within 20 s in " + list);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
