package io.sfcrime.spark.ops;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the driver's JVM (in local mode: the executors too) did besides running the job, read from its management
 * beans: time in JIT compilation, in GC pauses, and the CPU of the whole process. A batch's line of
 * {@code --operator-metrics-file} gets the difference between its start and its end, which says whether a slow batch
 * was the job's work or a JVM still compiling it: a fresh JVM compiles for tens of seconds, in the first batches.
 */
record JvmWork(long jitMs, long gcMs, long cpuNanos) {
    /** The counters now; a counter the JVM does not offer reads 0 (and so does its difference). */
    static JvmWork now() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMs = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
        return new JvmWork(jitMs, gcMs, Math.max(0, cpu));
    }

    /**
     * Milliseconds from {@code start} to this: {@code jit_compile} (elapsed time of the JIT compilers, summed over
     * their threads), {@code gc_pause} (the collectors' own count, stop-the-world for G1), {@code process_cpu} (all
     * threads of the process, so up to the cores times the wall time).
     */
    Map<String, Long> since(JvmWork start) {
        Map<String, Long> ms = new LinkedHashMap<>();
        ms.put("jit_compile", jitMs - start.jitMs);
        ms.put("gc_pause", gcMs - start.gcMs);
        ms.put("process_cpu", (cpuNanos - start.cpuNanos) / 1_000_000);
        return ms;
    }
}
