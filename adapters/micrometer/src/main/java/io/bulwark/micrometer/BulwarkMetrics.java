package io.bulwark.micrometer;

import io.bulwark.Bulwark;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;
import io.bulwark.monitoring.Subscription;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Bulwark's decisions as Micrometer meters. Bind it to a registry once; Spring Boot's adapter does so by itself.
 *
 * <pre>{@code
 * BulwarkMetrics metrics = new BulwarkMetrics();
 * metrics.bindTo(registry);            // e.g. a PrometheusMeterRegistry
 * ...
 * metrics.close();                     // stops listening (the meters stay in the registry)
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code bulwark.ratelimit.decisions}</td><td>counter</td><td>{@code policy}, {@code outcome} (allowed,
 *       denied, shadow_denied, error), {@code reason} (within_limit, limit_exceeded, locked_out,
 *       store_unavailable)</td></tr>
 *   <tr><td>{@code bulwark.ratelimit.check}</td><td>timer</td><td>{@code policy}, {@code store}: how long Redis took
 *       to answer (checks in memory are not timed)</td></tr>
 *   <tr><td>{@code bulwark.store.available}</td><td>gauge, 1 or 0</td><td>{@code store} (memory, redis, journal,
 *       postgresql)</td></tr>
 *   <tr><td>{@code bulwark.audit.events}</td><td>counter</td><td>{@code status} (success, failure, denied)</td></tr>
 *   <tr><td>{@code bulwark.audit.shipped}</td><td>counter</td><td>events committed in PostgreSQL</td></tr>
 *   <tr><td>{@code bulwark.audit.backlog}</td><td>gauge</td><td>events captured and not yet in PostgreSQL (without
 *       PostgreSQL: not yet in the journal)</td></tr>
 *   <tr><td>{@code bulwark.twofactor.verifications}</td><td>counter</td><td>{@code outcome} (fresh, verified,
 *       missing, expired, invalid, throttled, locked, not_enrolled, error)</td></tr>
 * </table>
 *
 * <p>No tag ever holds a key value, a user id or a secret: policy names come from the annotations (at most
 * {@value PolicyMeters#MAX_POLICIES} are tagged by name, the rest as {@code _other}); every other tag is one of the few
 * words listed.
 *
 * <p>Admitted calls cost nothing here: Bulwark counts them itself and {@code bulwark.ratelimit.decisions} with
 * {@code outcome=allowed} reads those counts when the registry is scraped ({@link Bulwark#rateLimitCounts()}; since
 * the agent started). Every other decision is counted without an atomic instruction, in a cell of the deciding
 * thread's own, summed when the registry is scraped. Both are {@code FunctionCounter}s: counters to every registry,
 * read at scrape time. Handing each admission to this listener cost +62% on the 12 ns global woven call
 * (benchmarks/README.md, "Monitoring", run 6).
 */
public final class BulwarkMetrics implements MeterBinder, AutoCloseable {

    /** Gauges read the status at most this often: a scrape reads several of them. */
    private static final long STATUS_TTL_NANOS = 1_000_000_000L;

    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Meters> bound = new CopyOnWriteArrayList<>();
    private volatile BulwarkStatus status;
    private volatile long statusAt;

    @Override
    public void bindTo(MeterRegistry registry) {
        Meters meters = new Meters(registry);
        bound.add(meters);
        subscriptions.add(Bulwark.listen(meters));
        // The stores in use are known once the agent has started, before the application's main.
        for (BulwarkStatus.StoreStatus store : status().stores()) {
            Store which = store.store();
            Gauge.builder("bulwark.store.available", this, m -> m.available(which))
                    .tag("store", which.tag())
                    .description("1 while the store answers (for Redis: its circuit breaker is closed), else 0")
                    .register(registry);
        }
        Gauge.builder("bulwark.audit.backlog", this, m -> m.status().auditBacklog())
                .description("audit events captured and not yet in PostgreSQL (without PostgreSQL: not yet in the "
                        + "journal)")
                .baseUnit("events")
                .register(registry);
    }

    private double available(Store store) {
        BulwarkStatus.StoreStatus s = status().store(store);
        return s == null ? Double.NaN : s.available() ? 1 : 0;
    }

    private BulwarkStatus status() {
        BulwarkStatus s = status;
        long now = System.nanoTime();
        if (s == null || now - statusAt > STATUS_TTL_NANOS) {
            s = Bulwark.status();
            status = s;
            statusAt = now;
        }
        return s;
    }

    /** Stops listening; the meters stay in their registries. */
    @Override
    public void close() {
        for (Subscription s : subscriptions) {
            s.close();
        }
        subscriptions.clear();
        for (Meters m : bound) {
            m.freeze();
        }
        bound.clear();
    }
}
