package io.sfcrime.spark.retune.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status file and the status ConfigMap say, in one type so both hold the same fields. Its JSON is a contract
 * ({@code make status}, the chart's NOTES, scripts):
 * <pre>
 * {"source": "file:/…", "observed_version": "sha256:…" (on Kubernetes also "observed_resource_version"),
 *  "observed_generation": the version the driver last reconciled to the end (see below),
 *  "conditions": [{"type": "Ready", "status": "True", "reason": "…", "message": "…", "lastTransitionTime": …}, …]
 *  (Ready, Progressing, Lagging, TuningApplied, TuningRejected, AutoscalerActive, in that order),
 *  "applied": {key: value}, "rejected": {key: reason},
 *  "query_restarts": N, "restarts": {"query": N, "session": N, "driver": N},
 *  "last_change": {"at": …, "version": …, "steps": […]},
 *  "last_progress": {"batch_id": N, "processed_rows_per_second": X, "num_input_rows": N, "at": …},
 *  "ui": "http://host:port" (the Spark UI as bound: 4041 when 4040 was taken; absent when off),
 *  "late_rows": {"total": N, "last_batch_id": N, "last_batch": N, "advice": "…"} (absent until a batch drops
 *  valid rows behind the watermark),
 *  "autoscaler": {"enabled": …, "mode": …, "state": …, "target_executors": N, "running_executors": N, …,
 *  "last_batch": "…", "last_decision": {…}} (see {@link AutoscalerStatus}),
 *  "updated_at": …}
 * </pre>
 * An immutable snapshot; {@link StatusTracker} keeps the live values and takes snapshots.
 *
 * @param observedResourceVersion the same as {@code observedVersion} under the name kubectl users look for; only for
 *                                a ConfigMap source
 * @param observedGeneration      the tuning version the driver last reconciled to the end (applied, rejected or
 *                                failed): on Kubernetes the tuning ConfigMap's metadata.resourceVersion, since
 *                                ConfigMaps have no metadata.generation (the API server keeps one only for objects
 *                                with a spec); locally the file's content hash. Null until the first change after
 *                                start. Compare it with the ConfigMap's resourceVersion to know an edit was seen.
 * @param queryRestarts           {@code restarts.query} again, at the top level where scripts read it
 */
@JsonPropertyOrder({"source", "observed_version", "observed_resource_version", "observed_generation", "conditions",
        "applied", "rejected", "query_restarts", "restarts", "last_change", "last_progress", "ui", "late_rows",
        "autoscaler", "updated_at"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record TuningStatus(
        @JsonProperty("source") String source,
        @JsonProperty("observed_version") String observedVersion,
        @JsonProperty("observed_resource_version") @JsonInclude(JsonInclude.Include.NON_NULL)
        String observedResourceVersion,
        @JsonProperty("observed_generation") String observedGeneration,
        @JsonProperty("conditions") List<Condition> conditions,
        @JsonProperty("applied") Map<String, String> applied,
        @JsonProperty("rejected") Map<String, String> rejected,
        @JsonProperty("query_restarts") long queryRestarts,
        @JsonProperty("restarts") Restarts restarts,
        @JsonProperty("last_change") LastChange lastChange,
        @JsonProperty("last_progress") LastProgress lastProgress,
        @JsonProperty("ui") @JsonInclude(JsonInclude.Include.NON_NULL) String ui,
        @JsonProperty("late_rows") @JsonInclude(JsonInclude.Include.NON_NULL) LateRows lateRows,
        @JsonProperty("autoscaler") AutoscalerStatus autoscaler,
        @JsonProperty("updated_at") String updatedAt) {

    /** Keys in sorted order, so the same content always reads the same. */
    public TuningStatus {
        applied = Collections.unmodifiableSortedMap(new TreeMap<>(applied == null ? Map.of() : applied));
        rejected = Collections.unmodifiableSortedMap(new TreeMap<>(rejected == null ? Map.of() : rejected));
        restarts = restarts == null ? Restarts.NONE : restarts;
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    /** The condition of a type, or null when the status has none (one written before conditions existed). */
    public Condition condition(Condition.Type type) {
        return conditions.stream().filter(c -> c.type().equals(type.typeName())).findFirst().orElse(null);
    }

    /** Restarts carried out for tuning changes since the job was first deployed, by kind. */
    @JsonPropertyOrder({"query", "session", "driver"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Restarts(long query, long session, long driver) {
        public static final Restarts NONE = new Restarts(0, 0, 0);

        public Restarts plus(RestartKind kind) {
            return switch (kind) {
                case QUERY -> new Restarts(query + 1, session, driver);
                case SESSION -> new Restarts(query, session + 1, driver);
                case DRIVER -> new Restarts(query, session, driver + 1);
            };
        }
    }

    /** The last version that changed something: when, which, and a line per step. */
    @JsonPropertyOrder({"at", "version", "steps"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LastChange(String at, String version, List<String> steps) {
        public LastChange {
            steps = steps == null ? List.of() : List.copyOf(steps);
        }
    }

    /** The counts query's last batch. */
    @JsonPropertyOrder({"batch_id", "processed_rows_per_second", "num_input_rows", "at"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LastProgress(@JsonProperty("batch_id") long batchId,
                               @JsonProperty("processed_rows_per_second") double processedRowsPerSecond,
                               @JsonProperty("num_input_rows") long numInputRows,
                               @JsonProperty("at") String at) {
    }

    /**
     * Valid rows the counts query dropped because they were behind the watermark: exact input records (the change
     * of the valid-rows counter minus the rows counted in windows), not Spark's numRowsDroppedByWatermark, which
     * counts partially aggregated groups.
     */
    @JsonPropertyOrder({"total", "last_batch_id", "last_batch", "advice"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LateRows(@JsonProperty("total") long total,
                           @JsonProperty("last_batch_id") long lastBatchId,
                           @JsonProperty("last_batch") long lastBatch,
                           @JsonProperty("advice") String advice) {
    }

    /** The status file's content. */
    public String toPrettyJson() {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status as JSON", e);
        }
    }

    /**
     * The same fields as ConfigMap data: scalars as text, objects as compact JSON, null as an empty string. Each
     * condition's status is also under a key of its own ({@link Condition.Type#dataKey()}: {@code ready},
     * {@code lagging}, …), because kubectl's jsonpath cannot look inside a JSON string:
     * {@code kubectl wait --for=jsonpath='{.data.ready}'=True configmap/<release>-tuning-status}.
     */
    public Map<String, String> toConfigMapData() {
        Map<String, String> data = new TreeMap<>();
        ObjectNode tree = Json.MAPPER.valueToTree(this);
        tree.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            data.put(e.getKey(), v.isContainerNode() ? v.toString() : v.isNull() ? "" : v.asText());
        });
        for (Condition.Type t : Condition.Type.values()) {
            Condition c = condition(t);
            data.put(t.dataKey(), c == null ? Condition.UNKNOWN : c.status());
        }
        return data;
    }

    /** Reads the ConfigMap form back; throws {@link IllegalArgumentException} when it is not a status. */
    public static TuningStatus fromConfigMapData(Map<String, String> data) {
        ObjectNode tree = Json.MAPPER.createObjectNode();
        java.util.Set<String> flat = java.util.Arrays.stream(Condition.Type.values()).map(Condition.Type::dataKey)
                .collect(java.util.stream.Collectors.toSet());
        for (Map.Entry<String, String> e : data.entrySet()) {
            String v = e.getValue();
            if (flat.contains(e.getKey())) {
                continue;
            }
            if (v == null || v.isEmpty()) {
                tree.putNull(e.getKey());
            } else if (v.startsWith("{") || v.startsWith("[")) {
                try {
                    tree.set(e.getKey(), Json.MAPPER.readTree(v));
                } catch (JsonProcessingException ex) {
                    throw new IllegalArgumentException("status field " + e.getKey() + " is not valid JSON: "
                            + ex.getOriginalMessage(), ex);
                }
            } else {
                tree.put(e.getKey(), v);
            }
        }
        try {
            return Json.MAPPER.treeToValue(tree, TuningStatus.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a tuning status: " + e.getOriginalMessage(), e);
        }
    }
}
