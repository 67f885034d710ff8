package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.report.ExpectedReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
 * restarted from its checkpoint and killed with SIGKILL mid-stream, then drained with --available-now, reports the
 * same as one uninterrupted run (and as plain Java). The Spark UI answers while the query runs.
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

        // 2. Restart from the checkpoint and kill -9 mid-stream: nothing is written at exit, the checkpoint stays.
        int before = countsBatches(progress);
        Process second = launch(args, "second");
        awaitCountsBatches(progress, before + 2);
        second.destroyForcibly(); // SIGKILL
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // 3. Drain from the checkpoint.
        List<String> drain = new ArrayList<>(args);
        drain.add("--available-now");
        Process third = launch(drain, "third");
        assertThat(third.waitFor(300, TimeUnit.SECONDS)).as("drain; log %s", log("third")).isTrue();
        assertThat(third.exitValue()).as("exit code; log %s", log("third")).isZero();
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

    private static int countsBatches(Path progress) throws Exception {
        if (!Files.exists(progress)) {
            return 0;
        }
        int n = 0;
        for (String line : Files.readAllLines(progress)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode p = io.sfcrime.common.Json.MAPPER.readTree(line);
            if (JobQuery.COUNTS.queryName().equals(p.path("name").asText()) && p.path("numInputRows").asLong() > 0) {
                n++;
            }
        }
        return n;
    }

    private static void awaitCountsBatches(Path progress, int atLeast) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> countsBatches(progress) >= atLeast);
    }
}
