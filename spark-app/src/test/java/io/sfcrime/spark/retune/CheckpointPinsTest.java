package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoint-fixed keys stay refused across restarts: the job starts with the checkpoint's values. */
class CheckpointPinsTest {
    @TempDir
    Path dir;

    private Path tuningFile(String yaml) throws Exception {
        Path f = dir.resolve("tuning.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void aFreshCheckpointTakesTheFileAndRecordsItsFixedValues() throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        Tuning loaded = Tuning.fromMap(Map.of("spark.sql.shuffle.partitions", 4, "query.windowDuration", "30 minutes"));
        try (Retune r = Retune.local(tuningFile("spark.sql.shuffle.partitions: 4\nquery.windowDuration: 30 minutes\n"),
                null, checkpoint, loaded, Duration.ZERO)) {
            assertThat(r.tuning()).isEqualTo(loaded);
            assertThat(r.initialRejected()).isEmpty();
        }
        String pins = Files.readString(checkpoint.resolve(CheckpointPins.FILE));
        assertThat(pins).contains("\"spark.sql.shuffle.partitions\" : \"4\"").contains("\"30 minutes\"");
    }

    @Test
    void aChangedFixedKeyUnderExistingStateIsRefusedAtStart() throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        Files.createDirectories(checkpoint.resolve("counts/offsets"));
        Files.writeString(checkpoint.resolve("counts/offsets/0"), "v1\n{}\n{}\n");
        Files.writeString(checkpoint.resolve(CheckpointPins.FILE),
                "{\"spark.sql.shuffle.partitions\": \"2\", \"query.windowDuration\": \"1 hour\", \"query.dedupe\": \"false\"}");
        Tuning loaded = Tuning.fromMap(Map.of("spark.sql.shuffle.partitions", 8, "console.topN", 3));
        try (Retune r = Retune.local(tuningFile("spark.sql.shuffle.partitions: 8\nconsole.topN: 3\n"), null, checkpoint,
                loaded, Duration.ZERO)) {
            assertThat(r.tuning().getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(2);
            assertThat(r.tuning().getInt(TuningKeys.CONSOLE_TOP_N)).isEqualTo(3);
            assertThat(r.initialRejected()).containsOnlyKeys("spark.sql.shuffle.partitions");
            assertThat(r.initialRejected().get("spark.sql.shuffle.partitions")).contains("new --checkpoint");
        }
    }

    /** Its state holds row counts: summing partial counts into it would need another state layout. */
    @Test
    void aCheckpointFromBeforePreAggregationKeepsCountingRowByRow() throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        Files.createDirectories(checkpoint.resolve("counts/offsets"));
        Files.writeString(checkpoint.resolve("counts/offsets/0"), "v1\n{}\n{}\n");
        Files.writeString(checkpoint.resolve(CheckpointPins.FILE),
                "{\"spark.sql.shuffle.partitions\": \"1\", \"query.windowDuration\": \"1 hour\", \"query.dedupe\": \"false\"}");
        Tuning loaded = Tuning.fromMap(Map.of("spark.sql.shuffle.partitions", 1, "query.preAggregate", true));
        try (Retune r = Retune.local(tuningFile("spark.sql.shuffle.partitions: 1\nquery.preAggregate: true\n"), null,
                checkpoint, loaded, Duration.ZERO)) {
            assertThat(r.tuning().getBoolean(TuningKeys.PRE_AGGREGATE)).isFalse();
            assertThat(r.initialRejected()).containsOnlyKeys("query.preAggregate");
            assertThat(r.initialRejected().get("query.preAggregate")).contains("new --checkpoint");
        }
    }

    @Test
    void aCheckpointWithoutTheFileGivesItsShufflePartitionsFromSparksOffsetLog() throws Exception {
        Path checkpoint = dir.resolve("checkpoint");
        Files.createDirectories(checkpoint.resolve("counts/offsets"));
        Files.writeString(checkpoint.resolve("counts/offsets/0"), "v1\n{\"batchWatermarkMs\":0,\"conf\":"
                + "{\"spark.sql.shuffle.partitions\":\"3\"}}\n{\"calls\":{\"0\":10}}\n");
        Files.writeString(checkpoint.resolve("counts/offsets/1"), "v1\n{\"batchWatermarkMs\":0,\"conf\":"
                + "{\"spark.sql.shuffle.partitions\":\"5\"}}\n{\"calls\":{\"0\":20}}\n");
        CheckpointPins pins = new CheckpointPins(checkpoint);
        assertThat(pins.existing()).isEqualTo(checkpoint.toAbsolutePath().toString());
        assertThat(pins.read()).containsExactly(Map.entry("spark.sql.shuffle.partitions", "5"),
                Map.entry("query.preAggregate", "false"));
        assertThat(pins.applyTo(Tuning.defaults()).getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(5);
    }
}
