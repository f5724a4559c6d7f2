package io.bulwark.benchmarks.monitoring;

import io.bulwark.Bulwark;
import io.bulwark.micrometer.BulwarkMetrics;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.Subscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One admitted woven call, as the application makes it, with the agent attached to the fork (or not, for the bare
 * call): what publishing decisions costs. The fork's JVM options choose the agent and {@code -Dbench.listener}:
 * {@code none}; {@code noop} (a listener that does nothing but wants every admission: the event stream's own cost);
 * {@code noop-counts} (one that does nothing and needs no admission: {@link BulwarkListener#wantsEveryAdmission()}
 * false, the cost of listening to refusals only); {@code counting} (one that adds every decision to a
 * {@link LongAdder}: the least a listener that wants every admission does);
 * {@code micrometer} ({@link BulwarkMetrics} on a {@link SimpleMeterRegistry}: a real listener's). {@link
 * MonitoringCostReport} runs every configuration side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MonitoringCostBenchmark {

    static final int USERS = 1_024;

    private Subscription subscription;
    private BulwarkMetrics metrics;

    @State(Scope.Thread)
    public static class Caller {
        final String[] users = new String[USERS];
        int next;
        int x;

        @Setup(Level.Trial)
        public void users() {
            for (int i = 0; i < USERS; i++) {
                users[i] = "user-" + i;
            }
        }

        String user() {
            next = (next + 1) & (USERS - 1);
            return users[next];
        }
    }

    @Setup(Level.Trial)
    public void listen() {
        String listener = System.getProperty("bench.listener", "none");
        switch (listener) {
            case "none" -> {
            }
            case "noop" -> subscription = Bulwark.listen(new BulwarkListener() {
            });
            case "noop-counts" -> subscription = Bulwark.listen(new BulwarkListener() {
                @Override
                public boolean wantsEveryAdmission() {
                    return false;
                }
            });
            case "counting" -> subscription = Bulwark.listen(new Counting());
            case "micrometer" -> {
                metrics = new BulwarkMetrics();
                metrics.bindTo(new SimpleMeterRegistry());
            }
            default -> throw new IllegalArgumentException("bench.listener=" + listener);
        }
        if (Boolean.getBoolean("bench.agent") && !Bulwark.agentActive()) {
            throw new IllegalStateException("the agent is not running in the benchmark's fork");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (subscription != null) {
            subscription.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    @Benchmark
    public int global(Caller c) {
        return MonitoredTarget.global(c.x++);
    }

    @Benchmark
    public int keyed(Caller c) {
        return MonitoredTarget.keyed(c.user(), c.x++);
    }

    /** The least a listener can do: count decisions by outcome. */
    static final class Counting implements BulwarkListener {
        final LongAdder allowed = new LongAdder();
        final LongAdder other = new LongAdder();

        @Override
        public void onRateLimit(RateLimitDecision decision) {
            (decision.outcome() == RateLimitDecision.Outcome.ALLOWED ? allowed : other).increment();
        }
    }
}
