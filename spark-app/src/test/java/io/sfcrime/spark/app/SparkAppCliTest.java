package io.sfcrime.spark.app;

import io.sfcrime.common.tuning.Setting;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningFile;
import io.sfcrime.common.tuning.TuningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Options and tuning are checked before Spark starts: bad ones exit 2 with a message naming the problem. */
class SparkAppCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        SparkApp app = new SparkApp(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new StopSignal());
        return new CommandLine(app).setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true))
                .execute(args);
    }

    private static Path radioCodes() {
        return Path.of(System.getProperty("project.root", ".."), "data", "radio_code.json");
    }

    @Test
    void helpListsTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap", "--topic", "--results-topic",
                "--dead-letter-topic", "--radio-codes", "--checkpoint", "--tuning", "--available-now", "--report",
                "--progress-file", "--status-file", "--ui-port", "--master", "--operator-metrics-file");
    }

    @Test
    void badTuningIsRejectedBeforeSparkStarts(@TempDir Path dir) throws Exception {
        Path tuning = dir.resolve("tuning.yaml");
        Files.writeString(tuning, "spark.sql.shuffle.partitions: 0\nsource.maxOffsetsPerTriger: 10\nquery.watermarkDelay: soon\n");
        assertThat(run("--tuning", tuning.toString(), "--radio-codes", radioCodes().toString(),
                "--bootstrap", "127.0.0.1:9")).isEqualTo(Outcome.BAD_CONFIG.exitCode());
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).contains("spark.sql.shuffle.partitions", "must be at least 1")
                .contains("did you mean 'source.maxOffsetsPerTrigger'").contains("query.watermarkDelay")
                .contains(tuning.toString());
        // The job prints the UI address right after the SparkSession exists: it never got that far.
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Spark UI");
    }

    @Test
    void sparkKeysAreCheckedAgainstSparksOwnRegistry(@TempDir Path dir) throws Exception {
        // Issue 16: a misspelt Spark key used to run with Spark's default and exit 0.
        Path tuning = dir.resolve("tuning.yaml");
        Files.writeString(tuning, "spark.sql.shufle.partitions: 2\nspark.sql.streaming.stateStore.providerClas: x\n"
                + "spark.my.plugin.level: 3\n");
        assertThat(run("--tuning", tuning.toString(), "--radio-codes", radioCodes().toString(),
                "--bootstrap", "127.0.0.1:9")).isEqualTo(Outcome.BAD_CONFIG.exitCode());
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message).contains("Spark 3.5 does not declare 'spark.sql.shufle.partitions'; did you mean "
                        + "'spark.sql.shuffle.partitions'?")
                .contains("did you mean 'spark.sql.streaming.stateStore.providerClass'?")
                .contains("Spark 3.5 does not declare 'spark.my.plugin.level'")
                .contains("list it in tuning.undeclaredSparkKeys").contains(tuning.toString());
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("Spark UI");

        // Keys Spark declares, in its core, SQL, Kubernetes and Kafka modules, or reads by prefix, pass; so does an
        // undeclared key listed on purpose.
        Files.writeString(tuning, """
                spark.sql.adaptive.enabled: false
                spark.network.timeout: 300s
                spark.kubernetes.allocation.batch.size: 5
                spark.kafka.consumer.cache.capacity: 32
                spark.hadoop.fs.s3a.endpoint: http://minio:9000
                spark.kubernetes.driver.label.team: data
                spark.my.plugin.level: 3
                spark.my.other.flag: on
                tuning.undeclaredSparkKeys: spark.my.plugin.level, spark.my.other.
                """);
        assertThat(Preflight.loadTuning(tuning).passThrough()).containsKeys("spark.sql.adaptive.enabled",
                "spark.network.timeout", "spark.kubernetes.allocation.batch.size", "spark.kafka.consumer.cache.capacity",
                "spark.hadoop.fs.s3a.endpoint", "spark.kubernetes.driver.label.team", "spark.my.plugin.level",
                "spark.my.other.flag");
    }

    @Test
    void duplicateKeysAndNestedMappingsAreRejectedWithFileAndLine(@TempDir Path dir) throws Exception {
        Path tuning = dir.resolve("tuning.yaml");
        Files.writeString(tuning, "spark.sql.shuffle.partitions: 2\nspark.sql.shuffle.partitions: 3\n");
        assertThat(run("--tuning", tuning.toString(), "--radio-codes", radioCodes().toString()))
                .isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(tuning + " line 2: key "
                + "'spark.sql.shuffle.partitions' is given again (first on line 1)");
        Files.writeString(tuning, "spark:\n  sql.shuffle.partitions: 2\n");
        assertThat(run("--tuning", tuning.toString(), "--radio-codes", radioCodes().toString()))
                .isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(tuning + " line 1: 'spark' holds a nested mapping");
    }

    @Test
    void aRadioCodeTableWithConflictingDuplicatesIsRejectedNamingTheCodes(@TempDir Path dir) throws Exception {
        Path codes = Files.writeString(dir.resolve("codes.json"), "[{\"disposition_code\":\"ADV\",\"description\":"
                + "\"Advised\"},{\"disposition_code\":\"ADV\",\"description\":\"Advice\"}]");
        assertThat(run("--radio-codes", codes.toString(), "--bootstrap", "127.0.0.1:9"))
                .isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gives different descriptions for the same code: "
                + "'ADV' (entry 0 'Advised', entry 1 'Advice')");
        Files.writeString(codes, "[]");
        assertThat(run("--radio-codes", codes.toString(), "--bootstrap", "127.0.0.1:9"))
                .isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(codes + " is empty");
    }

    @Test
    void theShippedTuningFileIsAcceptedAndSetsEveryKey() {
        // Committed with the repository: its absence is a failure, not a reason to skip.
        Path shipped = Path.of(System.getProperty("project.root", ".."), "conf", "tuning.yaml");
        Tuning loaded = Preflight.loadTuning(shipped);
        // The file names every declared key itself (asStrings() alone would list them all from the defaults), and
        // the job runs with exactly the values the file writes.
        Map<String, Object> raw = TuningFile.read(shipped);
        assertThat(raw.keySet()).containsExactlyInAnyOrderElementsOf(
                TuningKeys.ALL.stream().map(Setting::name).toList());
        raw.forEach((key, value) -> {
            Setting s = TuningKeys.find(key).orElseThrow();
            assertThat(loaded.asStrings().get(key)).as(key).isEqualTo(s.render(s.parse(value)));
        });
    }

    @Test
    void dedupeIsAccepted(@TempDir Path dir) throws Exception {
        // What it does is tested in faults.DedupeTest (WindowCounts.dropDuplicateCalls) and faults.BadInputCatalogueIT.
        Path tuning = dir.resolve("tuning.yaml");
        Files.writeString(tuning, "query.dedupe: true\n");
        assertThat(Preflight.loadTuning(tuning).asStrings()).containsEntry("query.dedupe", "true");
    }

    @Test
    void missingFilesAndClashingTopicsAreRejected(@TempDir Path dir) {
        assertThat(run("--tuning", dir.resolve("absent.yaml").toString())).isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("absent.yaml does not exist");
        assertThat(run("--radio-codes", dir.resolve("codes.json").toString())).isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("codes.json does not exist");
        assertThat(run("--radio-codes", radioCodes().toString(), "--results-topic", "calls"))
                .isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("must all differ");
        // Issue 16: a directory was reported as "does not exist".
        assertThat(run("--tuning", dir.toString())).isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tuning file " + dir + " is a directory, not a file "
                + "(--tuning)");
        assertThat(run("--radio-codes", dir.toString())).isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("radio-code table " + dir.toAbsolutePath()
                + " is a directory, not a file (--radio-codes)");
    }

    @Test
    void theBrokerWaitIsASettingAndGivesUpWithAMessage() throws Exception {
        // Issue 16: spark-app waited 31 s for an unreachable broker (the clients 15 s), and the wait was fixed.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        assertThat(run("--radio-codes", radioCodes().toString(), "--bootstrap", "127.0.0.1:" + port,
                "--checkpoint", Files.createTempDirectory("cp").resolve("none").toString(), "--available-now",
                "--connect-timeout-ms", "1500")).isEqualTo(Outcome.FAILED.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach Kafka at 127.0.0.1:" + port)
                .contains("(waited 1500 ms, --connect-timeout-ms)");
        assertThat(run("--radio-codes", radioCodes().toString(), "--connect-timeout-ms", "0"))
                .isEqualTo(Outcome.BAD_CONFIG.exitCode());
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--connect-timeout-ms must be at least 1, got 0");
        assertThat(new CommandLine(new SparkApp()).getCommandSpec().findOption("--connect-timeout-ms")
                .defaultValue()).isEqualTo(String.valueOf(io.sfcrime.spark.config.JobConfig.DEFAULT_CONNECT_TIMEOUT
                .toMillis()));
    }
}
