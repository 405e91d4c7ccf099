package dev.mcgt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Thread CPU time over each measurement iteration, read outside the timed calls (JMH secondary counters
 * {@code calls} and {@code cpuNanos}; cpuNanos / calls is the CPU time per call, which on a shared machine leaves
 * out the time the thread waited for a core). A benchmark method takes it as a parameter and counts its calls.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Benchmark calls in the iteration. */
    public long calls;
    /** CPU time of the benchmark thread over the iteration, in nanoseconds. */
    public long cpuNanos;
    private long start;

    @Setup(Level.Iteration)
    public void start() {
        calls = 0;
        cpuNanos = 0;
        start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stop() {
        cpuNanos = THREADS.getCurrentThreadCpuTime() - start;
    }
}
