package io.sfcrime.spark.autoscale;

/**
 * What one completed batch of the counts query says, as the policy reads it.
 *
 * @param batchId             the batch
 * @param atMillis            when the lag was measured, right after the batch (epoch ms)
 * @param rows                input rows the batch read
 * @param batchMillis         the batch's duration (Spark's triggerExecution)
 * @param triggerMillis       the trigger interval (0: batches run back to back)
 * @param lag                 offsets behind latest, all partitions, measured right after the batch: what lag tools
 *                            show, including what arrived while the batch ran; negative when unknown
 * @param backlog             offsets the batch left behind at its own start (Spark's offsetsBehindLatest of the Kafka
 *                            source: what a batch limit kept out of it); negative when Spark did not say
 * @param inputPartitions     tasks a batch reads with: Kafka partitions, or source.minPartitions when higher
 * @param runningExecutors    executors registered with the driver while the batch ran
 * @param coresPerExecutor    spark.executor.cores
 */
public record BatchSample(long batchId, long atMillis, long rows, long batchMillis, long triggerMillis, long lag,
                          long backlog, int inputPartitions, int runningExecutors, int coresPerExecutor) {

    /** Task slots that could work on the batch: executor cores, but never more than the input partitions. */
    public int slots() {
        int cores = Math.max(1, runningExecutors) * Math.max(1, coresPerExecutor);
        return inputPartitions > 0 ? Math.min(cores, inputPartitions) : cores;
    }

    /** Offsets behind latest for "caught up": the batch's own backlog when Spark gave it, else the measured lag. */
    public long behind() {
        return backlog >= 0 ? backlog : Math.max(0, lag);
    }
}
