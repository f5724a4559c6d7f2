package io.bulwark.benchmarks.monitoring;

import io.bulwark.micrometer.ThreadCounts;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What counting one decision costs by itself, outside the woven call: an uncontended {@link LongAdder} (one
 * {@code lock cmpxchg}, as Micrometer's counters do) against {@link ThreadCounts} (a plain add in the thread's cell).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CountingBenchmark {

    private final LongAdder adder = new LongAdder();
    private final ThreadCounts counts = new ThreadCounts(256);

    @Benchmark
    public void longAdder() {
        adder.increment();
    }

    @Benchmark
    public void threadCounts() {
        counts.increment(3);
    }
}
