package io.sfcrime.spark.faults;

import io.sfcrime.spark.ops.CheckpointGuard;
import io.sfcrime.spark.config.JobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checkpoint check on hand-made directories shaped like Spark's (metadata, offsets/N, commits/N, state/).
 * Injected: each kind of damage. Verified: refused with what is wrong and how to recover; intact and absent
 * checkpoints pass (absent with a new-job notice). The job has one query, so its {@code counts} directory is the whole
 * checkpoint; a {@code dead-letter} directory is what the former second query left in checkpoints written before the
 * dead letters came from the counts query's scan: ignored beside {@code counts}, and the sign of an incomplete
 * checkpoint without it. The same damage on a real Spark checkpoint: CheckpointFaultIT.
 */
class CheckpointGuardTest {
    @TempDir
    Path root;

    private JobConfig config() {
        return new JobConfig("b:9092", "calls", "results", "calls.dlq", Path.of("codes.json"), root, true, null, null,
                null, 0, "local[2]");
    }

    private void query(String name, boolean stateful, int batches) throws Exception {
        Path dir = root.resolve(name);
        Files.createDirectories(dir.resolve("offsets"));
        Files.createDirectories(dir.resolve("commits"));
        Files.writeString(dir.resolve("metadata"), "{\"id\":\"0b0e9d8c-5a55-4cf3-9d0c-6f1c6c9bb8a1\"}");
        for (int b = 0; b < batches; b++) {
            Files.writeString(dir.resolve("offsets/" + b), "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1}\n"
                    + "{\"calls\":{\"0\":" + (b * 10) + ",\"1\":" + (b * 10) + "}}");
            Files.writeString(dir.resolve("commits/" + b), "v1\n{\"nextBatchWatermarkMs\":0}");
            Files.writeString(dir.resolve("offsets/." + b + ".crc"), "binary crc, ignored");
        }
        if (stateful) {
            Files.createDirectories(dir.resolve("state/0/0"));
        }
    }

    private void intact() throws Exception {
        query("counts", true, 3);
    }

    @Test
    void absentCheckpointIsANewJobAndSaysSo() {
        assertThat(CheckpointGuard.check(config())).get().asString().contains("starting a new job")
                .contains("restore the checkpoint");
    }

    @Test
    void intactCheckpointResumesQuietly() throws Exception {
        intact();
        assertThat(CheckpointGuard.check(config())).isEmpty();
    }

    @Test
    void aCheckpointOfTheTwoQueryJobResumesFromItsCountsWhateverItsDeadLetterDirectoryHolds() throws Exception {
        intact();
        query("dead-letter", false, 2);
        assertThat(CheckpointGuard.check(config())).as("written before the upgrade, counts intact").isEmpty();
        // Nothing reads the former dead-letter query's directory any more, so its state does not matter.
        Files.writeString(root.resolve("dead-letter/commits/1"), "v1");
        Files.writeString(root.resolve("dead-letter/metadata"), "{\"id\":\"not-a-uuid\"}");
        assertThat(CheckpointGuard.check(config())).isEmpty();
    }

    @Test
    void missingMetadataIsRefused() throws Exception {
        intact();
        Files.delete(root.resolve("counts/metadata"));
        assertThatThrownBy(() -> CheckpointGuard.check(config())).isInstanceOf(CheckpointGuard.UnusableCheckpointException.class)
                .hasMessageContaining("metadata file (the query id) is missing")
                .hasMessageContaining("restore the whole checkpoint directory")
                .hasMessageContaining("new --results-topic");
    }

    @Test
    void corruptedOffsetsCommitsOrMetadataAreRefused() throws Exception {
        intact();
        Files.writeString(root.resolve("counts/offsets/2"), "v1\n{\"batchWatermarkMs\":0,\n\u0000\u0000garbage");
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("offsets/2 line 2 is not valid JSON");
        Files.writeString(root.resolve("counts/offsets/2"), "");
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("offsets/2 does not start with a version");
        Files.writeString(root.resolve("counts/offsets/2"), "v1\n{\"a\":1}\n-");
        Files.writeString(root.resolve("counts/commits/1"), "v1");
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("commits/1 is truncated");
        Files.writeString(root.resolve("counts/commits/1"), "v1\n{}");
        Files.writeString(root.resolve("counts/metadata"), "{\"id\":\"not-a-uuid\"}");
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("metadata file is unreadable");
        Files.writeString(root.resolve("counts/metadata"), "{\"id\":\"0b0e9d8c-5a55-4cf3-9d0c-6f1c6c9bb8a1\"}");
        assertThat(CheckpointGuard.check(config())).as("repaired").isEmpty();
    }

    @Test
    void aLegacyDeadLetterDirectoryWithProgressButNoCountsIsRefusedAsIncomplete() throws Exception {
        query("dead-letter", false, 2);
        assertThatThrownBy(() -> CheckpointGuard.check(config()))
                .isInstanceOf(CheckpointGuard.UnusableCheckpointException.class)
                .hasMessageContaining("is incomplete")
                .hasMessageContaining("counts is missing while " + root.resolve("dead-letter") + " has progress")
                .hasMessageContaining("batch 1")
                .hasMessageContaining("restore the whole checkpoint directory");
        // The same with a counts directory that never got as far as its first batch.
        Files.createDirectories(root.resolve("counts/offsets"));
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("is incomplete");
    }

    @Test
    void missingStateOrOffsetsAreRefused() throws Exception {
        query("counts", false, 2);
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("state/ (the running counts) is missing");
        Files.createDirectories(root.resolve("counts/state"));
        Files.delete(root.resolve("counts/offsets/1"));
        assertThatThrownBy(() -> CheckpointGuard.check(config())).hasMessageContaining("commits/1 exists but offsets/ ends at batch 0");
    }

    @Test
    void aQueryThatNeverWroteABatchCountsAsAbsent() throws Exception {
        Files.createDirectories(root.resolve("counts/offsets"));
        Files.createDirectories(root.resolve("dead-letter"));
        assertThat(CheckpointGuard.check(config())).get().asString().contains("starting a new job");
    }
}
