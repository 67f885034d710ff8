package io.sfcrime.spark.autoscale;

/**
 * One decision of the policy after one batch.
 *
 * @param action  HOLD, UP or DOWN
 * @param from    the executor count in force
 * @param to      the count decided (equal to {@code from} for HOLD)
 * @param apply   true when the count is to be changed now; false when it is only recorded (recommend mode, a
 *                manual count in the tuning, no executors to scale in local mode)
 * @param reason  why, in words, with the rule that decided
 * @param numbers what the rule saw
 */
public record Decision(long batchId, Action action, int from, int to, boolean apply, String reason, Numbers numbers) {

    public enum Action { HOLD, UP, DOWN }

    /**
     * The numbers behind a decision, all over the metrics window unless said otherwise.
     *
     * @param inputRate        rows per second arriving in Kafka (rows read plus the change of the lag, over time)
     * @param peakInputRate    the highest of the window's batch-to-batch input rates (what a scale-down must carry)
     * @param ratePerSlot      rows per second one task slot processes while busy (from batches that had work
     *                         waiting when possible, since a batch that took all there was shows only the input rate)
     * @param neededRate       input rate plus the backlog over autoscale.targetCatchUpTime
     * @param utilization      input rate over what the executors in force process at full speed (1.0 = 100%)
     * @param lag              offsets behind latest after the last batch
     * @param needed           executors the rates ask for, before the bounds
     * @param upperBound       the most executors allowed: autoscale.maxExecutors, or fewer when the input
     *                         partitions cap the useful cores
     */
    public record Numbers(double inputRate, double peakInputRate, double ratePerSlot, double neededRate,
                          double utilization, long lag, int needed, int upperBound) {
        public static final Numbers NONE = new Numbers(0, 0, 0, 0, 0, -1, 0, 0);

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "input %.0f rows/s (peak %.0f), %.0f rows/s per slot, "
                            + "needed %.0f rows/s, utilization %.0f%%, lag %d, executors needed %d (bound %d)",
                    inputRate, peakInputRate, ratePerSlot, neededRate, utilization * 100, lag, needed, upperBound);
        }
    }

    /** True when the count changes or, if recorded only, would change. */
    public boolean changes() {
        return action != Action.HOLD;
    }

    /** One line for the log, the status and the Event. */
    public String describe() {
        String what = switch (action) {
            case HOLD -> "hold " + from;
            case UP -> (apply ? "scale up " : "would scale up ") + from + " -> " + to;
            case DOWN -> (apply ? "scale down " : "would scale down ") + from + " -> " + to;
        };
        return what + ": " + reason + " [" + numbers + "]";
    }
}
