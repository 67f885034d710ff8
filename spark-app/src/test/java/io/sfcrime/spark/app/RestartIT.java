package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.report.ExpectedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactness across restarts with the launcher as a child process: a continuous run stopped by SIGTERM mid-stream,
 * restarted from its checkpoint and killed with SIGKILL inside a batch (its offsets written, its commit not: the
 * moment a restart must replay), then drained with --available-now, reports the same as one uninterrupted run (and
 * as plain Java). The Spark UI answers while the query runs.
 */
class RestartIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension();
    private static final Pattern UI = Pattern.compile("Spark UI at (http://\\S+)");
    private static final int RECORDS = 60_000;

    @TempDir
    Path dir;

    @Test
    void interruptedRunsReportTheSameAsAnUninterruptedOne() throws Exception {
        List<byte[]> values = ItSupport.generated(RECORDS, 11);
        ItSupport.load(KAFKA.bootstrap(), "restart", values);
        Path tuning = ItSupport.tuning(dir, "small-batches", 4_000);
        List<String> args = ItSupport.args(KAFKA.bootstrap(), "restart", dir, "interrupted", tuning);
        Path progress = dir.resolve("interrupted-progress.ndjson");
        Path report = dir.resolve("interrupted-report.json");

        // 1. Continuous run: the UI answers; SIGTERM after a few batches finishes the batch and writes a report.
        Process first = launch(args, "first");
        String ui = awaitUiUrl("first");
        awaitCountsBatches(progress, 3);
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(ui)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Streaming Query");
        first.destroy(); // SIGTERM
        assertThat(first.waitFor(180, TimeUnit.SECONDS)).as("exit after SIGTERM; log %s", log("first")).isTrue();
        assertThat(first.exitValue()).as("exit code; log %s", log("first")).isZero();
        JsonNode partial = ItSupport.read(report);
        assertThat(partial.get("input_rows").asLong()).as("stopped mid-stream").isLessThan(RECORDS);
        assertThat(partial.get("input_rows").asLong()).isPositive();

        // 2. Restart from the checkpoint and kill -9 inside a batch: the counts query has written offsets/N (the
        //    batch is planned) but not commits/N (its results are not all acknowledged as done). The checkpoint is
        //    polled every few milliseconds; a kill that lands after the commit after all is retried with a new run.
        Path counts = dir.resolve("interrupted-checkpoint").resolve(JobQuery.COUNTS.checkpointDir());
        long inFlight = -1;
        for (int attempt = 1; attempt <= 3 && inFlight < 0; attempt++) {
            long committed = latestBatch(counts.resolve("commits"));
            Process second = launch(args, "second-" + attempt);
            long caught = awaitBatchInFlight(counts, committed, second);
            second.destroyForcibly(); // SIGKILL
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            boolean offsetsWritten = Files.exists(counts.resolve("offsets").resolve(Long.toString(caught)));
            boolean committedToo = Files.exists(counts.resolve("commits").resolve(Long.toString(caught)));
            System.out.printf("RestartIT: kill %d at batch %d: offsets %s, commit %s%n", attempt, caught,
                    offsetsWritten, committedToo);
            if (offsetsWritten && !committedToo) {
                inFlight = caught;
            }
        }
        assertThat(inFlight).as("a kill between offsets/N and commits/N in 3 attempts").isNotNegative();

        // 3. Drain from the checkpoint: the run replays batch N first, and it reads rows (the batch was real).
        int linesBeforeDrain = progressLines(progress).size();
        List<String> drain = new ArrayList<>(args);
        drain.add("--available-now");
        Process third = launch(drain, "third");
        assertThat(third.waitFor(300, TimeUnit.SECONDS)).as("drain; log %s", log("third")).isTrue();
        assertThat(third.exitValue()).as("exit code; log %s", log("third")).isZero();
        long replayed = inFlight;
        List<JsonNode> drained = progressLines(progress).subList(linesBeforeDrain, progressLines(progress).size());
        assertThat(drained).as("the drain's counts batches").filteredOn(p -> isCounts(p)
                && p.path("batchId").asLong() == replayed).singleElement()
                .satisfies(p -> assertThat(p.path("numInputRows").asLong()).as("rows of replayed batch %d", replayed)
                        .isPositive());
        assertThat(Files.exists(counts.resolve("commits").resolve(Long.toString(inFlight)))).isTrue();
        JsonNode interrupted = ItSupport.read(report);

        // 4. One uninterrupted run of the same input and tuning.
        Process whole = launch(ItSupport.args(KAFKA.bootstrap(), "restart", dir, "uninterrupted", tuning,
                "--available-now"), "uninterrupted");
        assertThat(whole.waitFor(300, TimeUnit.SECONDS)).as("drain; log %s", log("uninterrupted")).isTrue();
        assertThat(whole.exitValue()).as("exit code; log %s", log("uninterrupted")).isZero();
        JsonNode uninterrupted = ItSupport.read(dir.resolve("uninterrupted-report.json"));

        assertThat(interrupted).isEqualTo(uninterrupted);
        ObjectNode expected = ExpectedReport.compute(values, ItSupport.codes());
        assertThat(ExpectedReport.differences(interrupted, expected)).isNull();
    }

    private Process launch(List<String> args, String name) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ItSupport.ROOT.resolve("bin/spark-app").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("JAVA_OPTS", "-Xmx1g");
        return pb.start();
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    private String awaitUiUrl(String name) {
        String[] url = new String[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Matcher m = UI.matcher(log(name));
            if (m.find()) {
                url[0] = m.group(1);
                return true;
            }
            return false;
        });
        return url[0];
    }

    private static List<JsonNode> progressLines(Path progress) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(progress)) {
            for (String line : Files.readAllLines(progress)) {
                if (!line.isBlank()) {
                    lines.add(io.sfcrime.common.Json.MAPPER.readTree(line));
                }
            }
        }
        return lines;
    }

    private static boolean isCounts(JsonNode p) {
        return JobQuery.COUNTS.queryName().equals(p.path("name").asText());
    }

    private static int countsBatches(Path progress) throws Exception {
        return (int) progressLines(progress).stream()
                .filter(p -> isCounts(p) && p.path("numInputRows").asLong() > 0).count();
    }

    /** The highest batch number with a file in a checkpoint log directory (offsets/, commits/), -1 for none. */
    private static long latestBatch(Path log) {
        File[] files = log.toFile().listFiles();
        long latest = -1;
        if (files != null) {
            for (File f : files) {
                if (f.getName().matches("\\d+")) {
                    latest = Math.max(latest, Long.parseLong(f.getName()));
                }
            }
        }
        return latest;
    }

    /**
     * Polls the counts query's checkpoint until this run has planned a batch of its own (offsets/N with N past the
     * commits there were at its start) that is not committed yet; returns N. A plain loop: the window between the
     * two files is one batch long, and awaitility's overhead per poll would waste part of it.
     */
    private static long awaitBatchInFlight(Path counts, long committedAtStart, Process run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        Path offsets = counts.resolve("offsets");
        Path commits = counts.resolve("commits");
        while (System.nanoTime() < deadline) {
            assertThat(run.isAlive()).as("the run ended before a batch could be caught in flight").isTrue();
            long planned = latestBatch(offsets);
            if (planned > committedAtStart + 1 && !Files.exists(commits.resolve(Long.toString(planned)))) {
                return planned;
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no batch in flight within 4 minutes in " + counts);
    }

    private static void awaitCountsBatches(Path progress, int atLeast) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> countsBatches(progress) >= atLeast);
    }
}
