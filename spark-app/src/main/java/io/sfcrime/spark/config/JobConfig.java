package io.sfcrime.spark.config;

import io.sfcrime.common.tuning.JobQuery;

import java.nio.file.Path;

/** Where the job reads and writes: everything from the command line that is not tuning. */
public record JobConfig(String bootstrap, String topic, String resultsTopic, String deadLetterTopic, Path radioCodes,
                        Path checkpoint, boolean availableNow, Path report, Path progressFile, Path statusFile,
                        int uiPort, String master) {

    /** One query's checkpoint (offsets, commits; for the counts query also the aggregation state). */
    public Path queryCheckpoint(JobQuery query) {
        return checkpoint.resolve(query.checkpointDir());
    }
}
