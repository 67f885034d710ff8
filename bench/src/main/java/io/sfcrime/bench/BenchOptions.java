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
    public static final Set<String> PARTS = Set.of("producer", "ceiling", "spark", "profile", "latency", "scaling");

    public boolean runs(String part) {
        return !skip.contains(part);
    }

    public Path radioCodes() {
        return root.resolve("data/radio_code.json");
    }

    public Path bin(String launcher) {
        return root.resolve("bin").resolve(launcher);
    }
}
