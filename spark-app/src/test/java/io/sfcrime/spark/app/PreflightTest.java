package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.retune.CheckpointPins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the checks before Spark starts tell the user about tuning the checkpoint refuses. */
class PreflightTest {
    @TempDir
    Path dir;

    @Test
    void aShufflePartitionChangeRefusedAtStartIsPrintedAndInTheStatus() throws Exception {
        // Issue 16: this refusal was only a WARN log line, with exit 0 and the old value running.
        Path checkpoint = dir.resolve("checkpoint");
        Files.createDirectories(checkpoint.resolve("counts/offsets"));
        Files.writeString(checkpoint.resolve("counts/offsets/0"), "v1\n{}\n{}\n");
        Files.writeString(checkpoint.resolve(CheckpointPins.FILE), "{\"spark.sql.shuffle.partitions\": \"2\"}");
        Path tuning = Files.writeString(dir.resolve("tuning.yaml"), "spark.sql.shuffle.partitions: 8\n");
        Path status = dir.resolve("status.json");
        JobConfig config = new JobConfig("127.0.0.1:9", "calls", "results", "calls.dlq",
                Path.of(System.getProperty("project.root", ".."), "data", "radio_code.json"), checkpoint, true, null,
                null, status, 0, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (RetuneWiring wiring = new RetuneWiring(Map.of(), print);
             var retune = Preflight.load(config, tuning, wiring, print).retune()) {
            assertThat(retune.tuning().getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(2);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("spark-app: tuning refused: "
                + "spark.sql.shuffle.partitions").contains("(kept the checkpoint's value; see the status)");
        JsonNode written = Json.MAPPER.readTree(status.toFile());
        assertThat(written.get("rejected").has("spark.sql.shuffle.partitions")).as(written.toString()).isTrue();
        assertThat(written.get("applied").get("spark.sql.shuffle.partitions").asText()).isEqualTo("2");
    }
}
