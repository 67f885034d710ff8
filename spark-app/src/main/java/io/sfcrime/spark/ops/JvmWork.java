package io.sfcrime.spark.ops;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the driver's JVM (in local mode: the executors too) did besides running the job: time in JIT compilation, in
 * GC pauses, and the CPU of the whole process from its management beans; on Linux also the CPU of its JIT compiler
 * threads, its GC threads and Spark's executor task threads, from {@code /proc/self/task}. A batch's line of
 * {@code --operator-metrics-file} gets the difference between its start and its end, which says whether a slow batch
 * was the job's work or a JVM still compiling it: a fresh JVM compiles for tens of seconds, in the first batches.
 * <p>
 * Why both JIT numbers: the compilation bean counts only part of the compilers' work (measured here: 0.4 s in a batch
 * where the compiler threads used 2.0 s of CPU), and on two cores the compilers' CPU is what the tasks lose.
 */
record JvmWork(long jitMs, long gcMs, long cpuNanos, ThreadCpu threads) {
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
        return new JvmWork(jitMs, gcMs, Math.max(0, cpu), ThreadCpu.read(Path.of("/proc/self/task")));
    }

    /**
     * Milliseconds from {@code start} to this: {@code jit_compile} (elapsed time of the JIT compilers, summed over
     * their threads), {@code gc_pause} (the collectors' own count, stop-the-world for G1), {@code process_cpu} (all
     * threads of the process, so up to the cores times the wall time), and where {@code /proc} was readable at both
     * ends {@code jit_cpu}, {@code gc_cpu} and {@code task_cpu}: the CPU of those threads.
     */
    Map<String, Long> since(JvmWork start) {
        Map<String, Long> ms = new LinkedHashMap<>();
        ms.put("jit_compile", jitMs - start.jitMs);
        ms.put("gc_pause", gcMs - start.gcMs);
        ms.put("process_cpu", (cpuNanos - start.cpuNanos) / 1_000_000);
        if (threads != null && start.threads != null) {
            ms.put("jit_cpu", threads.jitMs() - start.threads.jitMs());
            ms.put("gc_cpu", threads.gcMs() - start.threads.gcMs());
            ms.put("task_cpu", threads.taskMs() - start.threads.taskMs());
        }
        return ms;
    }

    /**
     * CPU milliseconds of the live threads of three kinds, by the thread names HotSpot and Spark give them (Linux
     * keeps the first 15 characters): HotSpot's compiler threads ("C1 CompilerThre", "C2 CompilerThre"), its GC
     * threads ("GC Thread#n", "G1 Conc#n", "G1 Refine#n", ...) and Spark's "Executor task launch worker-n". Threads
     * that ended between two reads take their CPU with them; the pools these are read from keep their threads.
     */
    record ThreadCpu(long jitMs, long gcMs, long taskMs) {
        /** Linux reports {@code /proc} CPU times in USER_HZ ticks, 100 a second on every architecture Java runs on. */
        private static final long MS_PER_TICK = 10;

        /** The threads under {@code tasks} ({@code /proc/self/task}), or null where it cannot be read (not Linux). */
        static ThreadCpu read(Path tasks) {
            if (!Files.isDirectory(tasks)) {
                return null;
            }
            long[] ms = new long[Kind.values().length];
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path thread : threads) {
                    String stat;
                    try {
                        stat = Files.readString(thread.resolve("stat"), StandardCharsets.UTF_8);
                    } catch (IOException ended) {
                        continue; // the thread ended after the listing
                    }
                    int close = stat.lastIndexOf(')');
                    Kind kind = close < 0 ? null : Kind.of(stat.substring(stat.indexOf('(') + 1, close));
                    if (kind != null) {
                        ms[kind.ordinal()] += ticks(stat.substring(close + 2)) * MS_PER_TICK;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return new ThreadCpu(ms[Kind.JIT.ordinal()], ms[Kind.GC.ordinal()], ms[Kind.TASK.ordinal()]);
        }

        /** The kinds of thread counted, by the start of their names. */
        private enum Kind {
            JIT("C1 Compiler", "C2 Compiler"), GC("GC Thread", "G1 "), TASK("Executor task");

            private final String[] prefixes;

            Kind(String... prefixes) {
                this.prefixes = prefixes;
            }

            /** The kind of the thread named {@code name}, or null for a thread not counted. */
            static Kind of(String name) {
                for (Kind k : values()) {
                    for (String prefix : k.prefixes) {
                        if (name.startsWith(prefix)) {
                            return k;
                        }
                    }
                }
                return null;
            }
        }

        /** utime + stime: fields 14 and 15 of the stat line, the 12th and 13th after the name's closing bracket. */
        static long ticks(String afterName) {
            String[] f = afterName.trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
    }
}
