package io.sfcrime.spark.retune.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One condition of the job, shaped like a Kubernetes condition (metav1.Condition without observedGeneration, which
 * the status carries once at its top level).
 *
 * @param status             "True", "False" or "Unknown"
 * @param reason             CamelCase, for scripts
 * @param lastTransitionTime when {@code status} last changed (not when the reason or message did)
 */
@JsonPropertyOrder({"type", "status", "reason", "message", "lastTransitionTime"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record Condition(@JsonProperty("type") String type, @JsonProperty("status") String status,
                        @JsonProperty("reason") String reason, @JsonProperty("message") String message,
                        @JsonProperty("lastTransitionTime") String lastTransitionTime) {
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    /** The types, in the order the status lists them. */
    public enum Type {
        READY("Ready"), PROGRESSING("Progressing"), LAGGING("Lagging"), TUNING_APPLIED("TuningApplied"),
        TUNING_REJECTED("TuningRejected"), AUTOSCALER_ACTIVE("AutoscalerActive");

        private final String typeName;

        Type(String typeName) {
            this.typeName = typeName;
        }

        /** The condition's {@code type}. */
        public String typeName() {
            return typeName;
        }

        /**
         * The ConfigMap data key holding just this condition's status, so that {@code kubectl wait
         * --for=jsonpath='{.data.ready}'=True} works: the type with a lower-case first letter, no dots to escape.
         */
        public String dataKey() {
            return Character.toLowerCase(typeName.charAt(0)) + typeName.substring(1);
        }
    }
}
