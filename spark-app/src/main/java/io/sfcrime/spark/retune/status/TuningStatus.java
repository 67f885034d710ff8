package io.sfcrime.spark.retune.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.spark.retune.Plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status file and the status ConfigMap say, in one place so both hold the same fields:
 * <pre>
 * {"source": "file:/…", "observed_version": "sha256:…" (on Kubernetes also "observed_resource_version"),
 *  "applied": {key: value}, "rejected": {key: reason},
 *  "query_restarts": N, "restarts": {"query": N, "session": N, "driver": N},
 *  "last_change": {"at": …, "version": …, "steps": […]},
 *  "last_progress": {"batch_id": N, "processed_rows_per_second": X, "num_input_rows": N, "at": …},
 *  "updated_at": …}
 * </pre>
 * Thread-safe: changes come from the reconciler, progress from Spark's listener bus.
 */
public final class TuningStatus {
    private final String source;
    private String observedVersion;
    private Map<String, String> applied = Map.of();
    private Map<String, String> rejected = Map.of();
    private final Map<String, Long> restarts = new LinkedHashMap<>(Map.of());
    private ObjectNode lastChange;
    private ObjectNode lastProgress;

    public TuningStatus(String source) {
        this.source = source;
        restarts.put("query", 0L);
        restarts.put("session", 0L);
        restarts.put("driver", 0L);
    }

    /** Carries counts over from the status a previous driver wrote (Kubernetes: the driver restarts in a new JVM). */
    public synchronized void resumeFrom(JsonNode previous) {
        if (previous == null) {
            return;
        }
        previous.path("restarts").fields().forEachRemaining(e -> restarts.put(e.getKey(), e.getValue().asLong()));
        if (previous.has("last_change")) {
            lastChange = (ObjectNode) previous.get("last_change");
        }
    }

    public synchronized void observed(String version, Map<String, String> applied, Map<String, String> rejected) {
        this.observedVersion = version;
        this.applied = Map.copyOf(applied);
        this.rejected = new TreeMap<>(rejected);
    }

    public synchronized void applied(Map<String, String> applied) {
        this.applied = Map.copyOf(applied);
    }

    public synchronized void restarted(String kind) {
        restarts.merge(kind, 1L, Long::sum);
    }

    public synchronized long restarts(String kind) {
        return restarts.getOrDefault(kind, 0L);
    }

    public synchronized void change(String version, List<String> steps) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("at", Instant.now().toString());
        c.put("version", version);
        steps.forEach(c.putArray("steps")::add);
        lastChange = c;
    }

    public synchronized void progress(long batchId, double processedRowsPerSecond, long numInputRows) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("batch_id", batchId);
        p.put("processed_rows_per_second", Double.isFinite(processedRowsPerSecond) ? processedRowsPerSecond : 0.0);
        p.put("num_input_rows", numInputRows);
        p.put("at", Instant.now().toString());
        lastProgress = p;
    }

    public synchronized Map<String, String> rejected() {
        return Map.copyOf(rejected);
    }

    public synchronized ObjectNode toJson() {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("source", source);
        s.put("observed_version", observedVersion);
        if (source.startsWith("configmap:")) {
            // The same value under the name kubectl users look for.
            s.put("observed_resource_version", observedVersion);
        }
        ObjectNode a = s.putObject("applied");
        new TreeMap<>(applied).forEach(a::put);
        ObjectNode r = s.putObject("rejected");
        rejected.forEach(r::put);
        s.put("query_restarts", restarts.getOrDefault("query", 0L));
        ObjectNode k = s.putObject("restarts");
        restarts.forEach(k::put);
        if (lastChange != null) {
            s.set("last_change", lastChange.deepCopy());
        } else {
            s.putNull("last_change");
        }
        if (lastProgress != null) {
            s.set("last_progress", lastProgress.deepCopy());
        } else {
            s.putNull("last_progress");
        }
        s.put("updated_at", Instant.now().toString());
        return s;
    }

    /** The same fields as ConfigMap data: scalars as text, objects as compact JSON. */
    public static Map<String, String> asConfigMapData(ObjectNode status) {
        Map<String, String> data = new TreeMap<>();
        status.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            data.put(e.getKey(), v.isContainerNode() ? v.toString() : v.isNull() ? "" : v.asText());
        });
        return data;
    }

    /** Reads the ConfigMap form back into the JSON form. */
    public static ObjectNode fromConfigMapData(Map<String, String> data) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, String> e : data.entrySet()) {
            String v = e.getValue();
            if (v != null && (v.startsWith("{") || v.startsWith("["))) {
                try {
                    s.set(e.getKey(), Json.MAPPER.readTree(v));
                    continue;
                } catch (Exception ignored) {
                    // Not JSON after all: kept as text below.
                }
            }
            s.put(e.getKey(), v);
        }
        return s;
    }

    static List<String> lines(List<Plan.Step> steps) {
        List<String> out = new ArrayList<>();
        steps.forEach(st -> out.add(st.describe()));
        return out;
    }
}
