package io.sfcrime.charttests.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the autoscale scenario samples every few seconds, as rows of a CSV ({@code autoscale.csv} in the rig's work
 * directory; {@code make autoscale-chart} draws it): the input topic's end offsets and the rate they grew at, the
 * lag (end offsets minus what the checkpoint has committed), the executor pods running in the API server, the
 * executors registered with the driver, and the executor count the driver's autoscaler last asked for.
 * Lines starting with {@code #} are comments (the run's settings).
 */
public final class Timeline {
    static final String HEADER = "seconds,input_end_offsets,input_rate,lag,executor_pods,executors_registered,"
            + "autoscaler_target";

    /**
     * One sample. {@code registered} and {@code target} are -1 when the driver did not answer or said nothing.
     *
     * @param seconds   since sampling began
     * @param endOffsets sum of the input topic's end offsets
     * @param inputRate records per second the end offsets grew by since the previous sample
     * @param lag       records of the input topic not yet in a committed batch of every query
     * @param pods      executor pods Running in the API server and not being deleted
     */
    public record Sample(double seconds, long endOffsets, double inputRate, long lag, int pods, int registered,
                         int target) {
        String csv() {
            return String.format(Locale.ROOT, "%.1f,%d,%.0f,%d,%d,%d,%d", seconds, endOffsets, inputRate, lag, pods,
                    registered, target);
        }

        static Sample parse(String line, int number) {
            String[] f = line.split(",", -1);
            if (f.length != 7) {
                throw new IllegalArgumentException("line " + number + " has " + f.length + " fields, not 7: " + line);
            }
            try {
                return new Sample(Double.parseDouble(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                        Long.parseLong(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + number + " is not numbers: " + line, e);
            }
        }
    }

    /**
     * The run at a glance.
     *
     * @param podsStart      executor pods at the first sample
     * @param podsMax        most executor pods at once
     * @param podsEnd        executor pods at the last sample
     * @param registeredMax  most executors registered with the driver at once (-1: never read)
     * @param lagMax         the highest lag
     * @param lagEnd         the lag at the last sample
     * @param scaleUpAt      seconds of the first sample with more pods than the first one (-1: never)
     * @param peakAt         seconds of the first sample with {@code podsMax} pods
     * @param scaleDownAt    seconds of the first sample after the peak with fewer pods than the peak (-1: never)
     * @param firstDownAt    seconds of the first sample with fewer pods than the sample before it (-1: never)
     * @param upAfterDownAt  seconds of the first sample with more pods than the sample before it, after
     *                       {@code firstDownAt} (-1: the count only went up, then only down)
     */
    public record Summary(int samples, int podsStart, int podsMax, int podsEnd, int registeredMax, long lagMax,
                         long lagEnd, double scaleUpAt, double peakAt, double scaleDownAt, double firstDownAt,
                         double upAfterDownAt) {
    }

    private Timeline() {
    }

    public static void write(Path file, List<String> comments, List<Sample> samples) throws IOException {
        StringBuilder out = new StringBuilder();
        comments.forEach(c -> out.append("# ").append(c.replace('\n', ' ')).append('\n'));
        out.append(HEADER).append('\n');
        samples.forEach(s -> out.append(s.csv()).append('\n'));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, out);
    }

    public static List<Sample> read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    static List<Sample> parse(List<String> lines) {
        List<Sample> out = new ArrayList<>();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.equals(HEADER)) {
                    throw new IllegalArgumentException("line " + (i + 1) + " is not the header " + HEADER + ": " + line);
                }
                header = true;
                continue;
            }
            out.add(Sample.parse(line, i + 1));
        }
        return out;
    }

    /** The summary of a run's samples, in time order; at least one. */
    public static Summary summarize(List<Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        int[] pods = samples.stream().mapToInt(Sample::pods).toArray();
        int max = Arrays.stream(pods).max().orElseThrow();
        int peak = -1;
        double up = -1;
        double down = -1;
        double firstDown = -1;
        double upAfterDown = -1;
        for (int i = 0; i < pods.length; i++) {
            double t = samples.get(i).seconds();
            if (up < 0 && pods[i] > pods[0]) {
                up = t;
            }
            if (peak < 0 && pods[i] == max) {
                peak = i;
            }
            if (peak >= 0 && down < 0 && pods[i] < max) {
                down = t;
            }
            if (i > 0 && pods[i] > pods[i - 1] && firstDown >= 0 && upAfterDown < 0) {
                upAfterDown = t;
            }
            if (i > 0 && pods[i] < pods[i - 1] && firstDown < 0) {
                firstDown = t;
            }
        }
        Sample last = samples.get(samples.size() - 1);
        return new Summary(samples.size(), pods[0], max, last.pods(),
                samples.stream().mapToInt(Sample::registered).max().orElse(-1),
                samples.stream().mapToLong(Sample::lag).max().orElse(0), last.lag(), up, samples.get(peak).seconds(),
                down, firstDown, upAfterDown);
    }
}
