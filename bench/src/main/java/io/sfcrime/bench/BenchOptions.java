package io.sfcrime.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything one {@code make bench} needs. {@code quick} is the CI correctness check: few records, one
 * repetition, the profiles marked quick, a short latency probe, no scaling; its output never lands in docs/.
 */
public record BenchOptions(Path root, long n, int r, int p, boolean quick, Path profilesFile, Path workDir,
                           Path resultsDir, Path reportFile, Path imgDir, List<String> only, Set<String> skip,
                           String sparkJavaOpts, Duration runTimeout,
                           List<Double> latencyRates, Duration latencyPhase, Duration latencyWarmup,
                           List<Long> scalingRecords, List<Integer> scalingWindows, long seed) {
    /** Whether the study of this name runs ({@code --skip} leaves it out). */
    public boolean runs(String study) {
        return !skip.contains(study);
    }

    public Path radioCodes() {
        return root.resolve("data/radio_code.json");
    }

    public Path bin(String launcher) {
        return root.resolve("bin").resolve(launcher);
    }

    /** {@code p} relative to the project root when it is inside it, as results and reports name files. */
    public String rel(Path p) {
        Path abs = p.toAbsolutePath();
        return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
    }
}
