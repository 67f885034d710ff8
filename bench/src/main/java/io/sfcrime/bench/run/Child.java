package io.sfcrime.bench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process the harness started (a launcher from bin/, or a JVM of its own), its output in a log file,
 * and its resident-memory high-water mark sampled from {@code /proc/<pid>/status} (VmHWM) while it runs. The
 * launchers {@code exec} java, so the pid is the JVM's.
 */
public final class Child implements AutoCloseable {
    private static final Pattern VM_HWM = Pattern.compile("VmHWM:\\s+(\\d+) kB");
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final long startNanos = System.nanoTime();
    private final AtomicLong peakRssKb = new AtomicLong();
    private volatile long endNanos;

    private Child(String name, Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread sampler = new Thread(this::sample, "rss-" + name);
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts {@code command} with stdout and stderr appended to {@code log}. */
    public static Child start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            return new Child(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    private void sample() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        while (process.isAlive()) {
            try {
                Matcher m = VM_HWM.matcher(Files.readString(status));
                if (m.find()) {
                    peakRssKb.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
                }
            } catch (IOException | RuntimeException e) {
                // Gone between the check and the read, or no /proc here: the peak stays what was seen.
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /**
     * Waits for exit, stopping the process when it is still running after {@code timeout}; null when it exited
     * with 0, else what went wrong with the last lines of its log.
     */
    public String await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop();
                return "timed out after " + timeout.toMinutes() + " min: " + tail(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return "interrupted";
        }
        endNanos = System.nanoTime();
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + tail(5);
    }

    /** SIGTERM to the process and its descendants, then SIGKILL after a grace period. Idempotent. */
    public void stop() {
        if (process.isAlive()) {
            List<ProcessHandle> kids = process.descendants().toList();
            process.destroy();
            kids.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    kids.forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
    }

    public double wallSeconds() {
        return ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1e9;
    }

    /** VmHWM in MiB, NaN if it could never be read. */
    public double peakRssMb() {
        long kb = peakRssKb.get();
        return kb == 0 ? Double.NaN : kb / 1024.0;
    }

    /** The last lines of the log, for error messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Heap figures of one process from its unified GC log ({@code -Xlog:gc:file=...}, lines such as
     * {@code Pause Young (Normal) (G1 Evacuation Pause) 120M->30M(256M)}), NaN when there is none. {@code peakMb}:
     * the largest occupancy before a collection, what the heap had to hold at its fullest. {@code afterGcMb}: the
     * largest occupancy right after one, live data plus what that collection left (old regions a young pause does
     * not touch); unlike the peak it does not grow with -Xmx, so runs with different heaps compare.
     */
    public record GcHeap(double peakMb, double afterGcMb) {
        private static final GcHeap UNKNOWN = new GcHeap(Double.NaN, Double.NaN);

        public static GcHeap read(Path gcLog) {
            if (gcLog == null || !Files.exists(gcLog)) {
                return UNKNOWN;
            }
            try {
                long before = -1;
                long after = -1;
                for (String line : Files.readAllLines(gcLog)) {
                    Matcher m = GC_HEAP.matcher(line);
                    if (m.find()) {
                        before = Math.max(before, Long.parseLong(m.group(1)));
                        after = Math.max(after, Long.parseLong(m.group(2)));
                    }
                }
                return before < 0 ? UNKNOWN : new GcHeap(before, after);
            } catch (IOException e) {
                return UNKNOWN;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
