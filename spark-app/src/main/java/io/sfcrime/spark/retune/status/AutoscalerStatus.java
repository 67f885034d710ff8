package io.sfcrime.spark.retune.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The autoscaler's part of the status: whether and how it acts, the executor count it keeps, and its last decision
 * that changed (or, recorded only, would have changed) the count.
 *
 * @param state            the AutoscalerActive condition's reason (Scaling, Disabled, RecommendOnly, ManualOverride,
 *                         NoExecutors)
 * @param targetExecutors  the count in force: the last one asked for, by the autoscaler or the tuning
 * @param runningExecutors executors registered with the driver at the last batch; null in local mode
 * @param manualExecutors  the manual count of the tuning that wins over the autoscaler, else null
 * @param lastBatch        the last batch's decision in one line (hold included)
 */
@JsonPropertyOrder({"enabled", "mode", "state", "target_executors", "running_executors", "manual_executors",
        "min_executors", "max_executors", "scaled_up", "scaled_down", "recommended", "last_batch", "last_decision"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record AutoscalerStatus(@JsonProperty("enabled") boolean enabled,
                               @JsonProperty("mode") String mode,
                               @JsonProperty("state") String state,
                               @JsonProperty("target_executors") int targetExecutors,
                               @JsonProperty("running_executors") Integer runningExecutors,
                               @JsonProperty("manual_executors") @JsonInclude(JsonInclude.Include.NON_NULL)
                               Integer manualExecutors,
                               @JsonProperty("min_executors") int minExecutors,
                               @JsonProperty("max_executors") int maxExecutors,
                               @JsonProperty("scaled_up") long scaledUp,
                               @JsonProperty("scaled_down") long scaledDown,
                               @JsonProperty("recommended") long recommended,
                               @JsonProperty("last_batch") String lastBatch,
                               @JsonProperty("last_decision") LastDecision lastDecision) {

    /**
     * A decision that changed the count, or would have (recorded only).
     *
     * @param action  UP or DOWN
     * @param applied false when only recorded (recommend mode, manual count, local mode)
     */
    @JsonPropertyOrder({"at", "batch_id", "action", "from", "to", "applied", "reason", "input_rows_per_second",
            "rows_per_second_per_slot", "needed_rows_per_second", "utilization", "lag"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LastDecision(@JsonProperty("at") String at, @JsonProperty("batch_id") long batchId,
                               @JsonProperty("action") String action, @JsonProperty("from") int from,
                               @JsonProperty("to") int to, @JsonProperty("applied") boolean applied,
                               @JsonProperty("reason") String reason,
                               @JsonProperty("input_rows_per_second") double inputRowsPerSecond,
                               @JsonProperty("rows_per_second_per_slot") double rowsPerSecondPerSlot,
                               @JsonProperty("needed_rows_per_second") double neededRowsPerSecond,
                               @JsonProperty("utilization") double utilization,
                               @JsonProperty("lag") long lag) {
    }
}
