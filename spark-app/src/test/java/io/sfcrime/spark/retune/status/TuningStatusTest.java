package io.sfcrime.spark.retune.status;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The status JSON is a contract (make status, the chart's NOTES, scripts): its field names, order, nesting and
 * nulls, in the file and in the ConfigMap, stay exactly as documented in spark-app/README.md.
 */
class TuningStatusTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T06:42:30Z"), ZoneOffset.UTC);

    private static StatusTracker afterAQueryRestart() {
        StatusTracker s = new StatusTracker("configmap:sf-crime/sfcs-tuning", CLOCK);
        s.observed("12345", Map.of("console.topN", "0", "source.maxOffsetsPerTrigger", "20000",
                "spark.sql.shuffle.partitions", "1"), Map.of("spark.sql.shuffle.partitions",
                "spark.sql.shuffle.partitions: fixed by the checkpoint", "a.b", "unknown key 'a.b'"));
        s.restarted(RestartKind.QUERY);
        s.change("12345", List.of("QUERY_RESTART: source.maxOffsetsPerTrigger 1000 -> 20000 (queries "
                + "calls-counts): restarted calls-counts"));
        s.progress(16, 143.0, 1000);
        s.reconciled("12345");
        s.condition(Condition.Type.TUNING_APPLIED, true, "Applied", "version 12345: QUERY_RESTART: ...");
        s.condition(Condition.Type.TUNING_REJECTED, true, "KeysRejected", "version 12345: unknown key 'a.b'");
        s.condition(Condition.Type.LAGGING, false, "CaughtUp", "0 offsets behind latest after batch 16");
        s.autoscaler(new AutoscalerStatus(true, "act", "Scaling", 3, 3, null, 1, 8, 1, 0, 0,
                "batch 16: hold 3: lag within autoscale.lagThreshold",
                new AutoscalerStatus.LastDecision("2026-12-02T06:40:00Z", 9, "UP", 2, 3, true, "lag grew", 950.0,
                        400.0, 1200.0, 1.19, 52000)));
        return s;
    }

    @Test
    void theStatusFileKeepsItsDocumentedShape() {
        assertThat(afterAQueryRestart().snapshot().toPrettyJson()).isEqualTo("""
                {
                  "source" : "configmap:sf-crime/sfcs-tuning",
                  "observed_version" : "12345",
                  "observed_resource_version" : "12345",
                  "observed_generation" : "12345",
                  "conditions" : [ {
                    "type" : "Ready",
                    "status" : "True",
                    "reason" : "QueryRunning",
                    "message" : "the counts query completed batch 16",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "Progressing",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "Lagging",
                    "status" : "False",
                    "reason" : "CaughtUp",
                    "message" : "0 offsets behind latest after batch 16",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "TuningApplied",
                    "status" : "True",
                    "reason" : "Applied",
                    "message" : "version 12345: QUERY_RESTART: ...",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "TuningRejected",
                    "status" : "True",
                    "reason" : "KeysRejected",
                    "message" : "version 12345: unknown key 'a.b'",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "AutoscalerActive",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  } ],
                  "applied" : {
                    "console.topN" : "0",
                    "source.maxOffsetsPerTrigger" : "20000",
                    "spark.sql.shuffle.partitions" : "1"
                  },
                  "rejected" : {
                    "a.b" : "unknown key 'a.b'",
                    "spark.sql.shuffle.partitions" : "spark.sql.shuffle.partitions: fixed by the checkpoint"
                  },
                  "query_restarts" : 1,
                  "restarts" : {
                    "query" : 1,
                    "session" : 0,
                    "driver" : 0
                  },
                  "last_change" : {
                    "at" : "2026-12-02T06:42:30Z",
                    "version" : "12345",
                    "steps" : [ "QUERY_RESTART: source.maxOffsetsPerTrigger 1000 -> 20000 (queries calls-counts): \
                restarted calls-counts" ]
                  },
                  "last_progress" : {
                    "batch_id" : 16,
                    "processed_rows_per_second" : 143.0,
                    "num_input_rows" : 1000,
                    "at" : "2026-12-02T06:42:30Z"
                  },
                  "autoscaler" : {
                    "enabled" : true,
                    "mode" : "act",
                    "state" : "Scaling",
                    "target_executors" : 3,
                    "running_executors" : 3,
                    "min_executors" : 1,
                    "max_executors" : 8,
                    "scaled_up" : 1,
                    "scaled_down" : 0,
                    "recommended" : 0,
                    "last_batch" : "batch 16: hold 3: lag within autoscale.lagThreshold",
                    "last_decision" : {
                      "at" : "2026-12-02T06:40:00Z",
                      "batch_id" : 9,
                      "action" : "UP",
                      "from" : 2,
                      "to" : 3,
                      "applied" : true,
                      "reason" : "lag grew",
                      "input_rows_per_second" : 950.0,
                      "rows_per_second_per_slot" : 400.0,
                      "needed_rows_per_second" : 1200.0,
                      "utilization" : 1.19,
                      "lag" : 52000
                    }
                  },
                  "updated_at" : "2026-12-02T06:42:30Z"
                }""");
    }

    @Test
    void beforeAnyChangeTheObjectsAreNullAndAFileSourceHasNoResourceVersion() {
        StatusTracker s = new StatusTracker("defaults", CLOCK);
        s.observed(null, Map.of("console.topN", "20"), Map.of());
        assertThat(s.snapshot().toPrettyJson()).isEqualTo("""
                {
                  "source" : "defaults",
                  "observed_version" : null,
                  "observed_generation" : null,
                  "conditions" : [ {
                    "type" : "Ready",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "Progressing",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "Lagging",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "TuningApplied",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "TuningRejected",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  }, {
                    "type" : "AutoscalerActive",
                    "status" : "Unknown",
                    "reason" : "NotObservedYet",
                    "message" : "nothing has reported on this yet",
                    "lastTransitionTime" : "2026-12-02T06:42:30Z"
                  } ],
                  "applied" : {
                    "console.topN" : "20"
                  },
                  "rejected" : { },
                  "query_restarts" : 0,
                  "restarts" : {
                    "query" : 0,
                    "session" : 0,
                    "driver" : 0
                  },
                  "last_change" : null,
                  "last_progress" : null,
                  "autoscaler" : null,
                  "updated_at" : "2026-12-02T06:42:30Z"
                }""");
        // A batch without a rate (no rows yet) is shown as 0.0, never as NaN, which is not JSON.
        s.progress(3, Double.NaN, 0);
        assertThat(s.snapshot().lastProgress().processedRowsPerSecond()).isZero();
    }

    @Test
    void theConfigMapHoldsTheSameFieldsAndReadsBack() {
        TuningStatus status = afterAQueryRestart().snapshot();
        Map<String, String> data = status.toConfigMapData();
        assertThat(data).containsExactly(
                Map.entry("applied", "{\"console.topN\":\"0\",\"source.maxOffsetsPerTrigger\":\"20000\","
                        + "\"spark.sql.shuffle.partitions\":\"1\"}"),
                Map.entry("autoscaler", "{\"enabled\":true,\"mode\":\"act\",\"state\":\"Scaling\","
                        + "\"target_executors\":3,\"running_executors\":3,\"min_executors\":1,\"max_executors\":8,"
                        + "\"scaled_up\":1,\"scaled_down\":0,\"recommended\":0,\"last_batch\":\"batch 16: hold 3: lag "
                        + "within autoscale.lagThreshold\",\"last_decision\":{\"at\":\"2026-12-02T06:40:00Z\","
                        + "\"batch_id\":9,\"action\":\"UP\",\"from\":2,\"to\":3,\"applied\":true,\"reason\":"
                        + "\"lag grew\",\"input_rows_per_second\":950.0,\"rows_per_second_per_slot\":400.0,"
                        + "\"needed_rows_per_second\":1200.0,\"utilization\":1.19,\"lag\":52000}}"),
                // Each condition's status under a key of its own, for kubectl wait --for=jsonpath='{.data.ready}'=True.
                Map.entry("autoscalerActive", "Unknown"),
                Map.entry("conditions", "[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"QueryRunning\",\"message\":\"the counts query completed batch 16\",\"lastTransitionTime\":\"2026-12-02T06:42:30Z\"},"
                        + "{\"type\":\"Progressing\",\"status\":\"Unknown\",\"reason\":\"NotObservedYet\",\"message\":\"nothing has reported on this yet\",\"lastTransitionTime\":\"2026-12-02T06:42:30Z\"},"
                        + "{\"type\":\"Lagging\",\"status\":\"False\",\"reason\":\"CaughtUp\",\"message\":\"0 offsets behind latest after batch 16\",\"lastTransitionTime\":\"2026-12-02T06:42:30Z\"},"
                        + "{\"type\":\"TuningApplied\",\"status\":\"True\",\"reason\":\"Applied\",\"message\":\"version 12345: QUERY_RESTART: ...\",\"lastTransitionTime\":\"2026-12-02T06:42:30Z\"},"
                        + "{\"type\":\"TuningRejected\",\"status\":\"True\",\"reason\":\"KeysRejected\",\"message\":\"version 12345: unknown key 'a.b'\",\"lastTransitionTime\":\"2026-12-02T06:42:30Z\"},"
                        + "{\"type\":\"AutoscalerActive\",\"status\":\"Unknown\",\"reason\":\"NotObservedYet\",\"message\":\"nothing has reported on this yet\",\"lastTransitionTime\":\"2026-12-02T06:42:30Z\"}]"),
                Map.entry("lagging", "False"),
                Map.entry("last_change", "{\"at\":\"2026-12-02T06:42:30Z\",\"version\":\"12345\",\"steps\":["
                        + "\"QUERY_RESTART: source.maxOffsetsPerTrigger 1000 -> 20000 (queries calls-counts): "
                        + "restarted calls-counts\"]}"),
                Map.entry("last_progress", "{\"batch_id\":16,\"processed_rows_per_second\":143.0,"
                        + "\"num_input_rows\":1000,\"at\":\"2026-12-02T06:42:30Z\"}"),
                Map.entry("observed_generation", "12345"),
                Map.entry("observed_resource_version", "12345"),
                Map.entry("observed_version", "12345"),
                Map.entry("progressing", "Unknown"),
                Map.entry("query_restarts", "1"),
                Map.entry("ready", "True"),
                Map.entry("rejected", "{\"a.b\":\"unknown key 'a.b'\",\"spark.sql.shuffle.partitions\":"
                        + "\"spark.sql.shuffle.partitions: fixed by the checkpoint\"}"),
                Map.entry("restarts", "{\"query\":1,\"session\":0,\"driver\":0}"),
                Map.entry("source", "configmap:sf-crime/sfcs-tuning"),
                Map.entry("tuningApplied", "True"),
                Map.entry("tuningRejected", "True"),
                Map.entry("updated_at", "2026-12-02T06:42:30Z"));
        assertThat(TuningStatus.fromConfigMapData(data)).isEqualTo(status);

        StatusTracker fresh = new StatusTracker("configmap:ns/t", CLOCK);
        assertThat(fresh.snapshot().toConfigMapData()).containsEntry("last_change", "")
                .containsEntry("observed_version", "");
        assertThat(TuningStatus.fromConfigMapData(fresh.snapshot().toConfigMapData()).lastChange()).isNull();
    }

    @Test
    void aRestartedDriverCarriesTheCountsAndTheLastChangeOver() {
        StatusTracker next = new StatusTracker("configmap:sf-crime/sfcs-tuning", CLOCK);
        next.resumeFrom(TuningStatus.fromConfigMapData(afterAQueryRestart().snapshot().toConfigMapData()));
        next.restarted(RestartKind.DRIVER);
        TuningStatus s = next.snapshot();
        assertThat(s.restarts()).isEqualTo(new TuningStatus.Restarts(1, 0, 1));
        assertThat(s.queryRestarts()).isEqualTo(1);
        assertThat(s.lastChange().version()).isEqualTo("12345");
        assertThat(s.lastProgress()).isNull();
    }

    @Test
    void somethingElseInTheStatusConfigMapIsNamed() {
        assertThatThrownBy(() -> TuningStatus.fromConfigMapData(Map.of("restarts", "{\"query\":")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restarts");
        assertThatThrownBy(() -> TuningStatus.fromConfigMapData(Map.of("query_restarts", "many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a tuning status");
    }
}
