package io.sfcrime.spark.config;

import java.nio.file.Path;

/** Where the job reads and writes: everything from the command line that is not tuning. */
public record JobConfig(String bootstrap, String topic, String resultsTopic, String deadLetterTopic, Path radioCodes,
                        Path checkpoint, boolean availableNow, Path report, Path progressFile, Path statusFile,
                        int uiPort, String master) {

    /** Checkpoint of the counts query (aggregation state, offsets, commits). */
    public Path countsCheckpoint() {
        return checkpoint.resolve("counts");
    }

    /** Checkpoint of the dead-letter query. */
    public Path deadLetterCheckpoint() {
        return checkpoint.resolve("dead-letter");
    }
}
