package io.sfcrime.spark.retune;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.retune.source.Observed;
import io.sfcrime.spark.retune.status.FileStatusSink;
import io.sfcrime.spark.retune.status.RestartKind;
import io.sfcrime.spark.retune.status.StatusTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reconciler with a recording {@link Actions}: order of steps, idempotency, debounce, status file. */
class ReconcilerTest {
    @TempDir
    Path dir;

    /** Records each call as a line. */
    static final class Recorder implements Actions {
        final List<String> calls = new ArrayList<>();
        boolean failRestart;

        @Override
        public void applyLive(Tuning tuning) {
            calls.add("live topN=" + tuning.getInt(TuningKeys.CONSOLE_TOP_N));
        }

        @Override
        public String setExecutors(int count) {
            calls.add("executors " + count);
            return "requested " + count;
        }

        @Override
        public void restartQueries(Set<JobQuery> queries, Tuning tuning) {
            if (failRestart) {
                throw new IllegalStateException("query could not start");
            }
            calls.add("restart " + queries.stream().map(JobQuery::queryName).toList() + " max=" + tuning.getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER));
        }

        @Override
        public RestartKind requestDriverRestart(Tuning tuning) {
            calls.add("driver " + tuning.getString(TuningKeys.EXECUTOR_MEMORY));
            return RestartKind.SESSION;
        }
    }

    private Reconciler reconciler(Recorder actions, StatusTracker status, Duration debounce, String checkpoint) {
        Tuning initial = Tuning.defaults();
        Reconciler r = new Reconciler(initial, Observed.of(initial.asStrings(), "v0"), status,
                new FileStatusSink(dir.resolve("status.json")), () -> checkpoint, debounce, null);
        r.bind(actions);
        return r;
    }

    private static Observed version(String v, Object... keyValues) {
        Map<String, Object> raw = new LinkedHashMap<>(Tuning.defaults().asStrings());
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Observed.of(raw, v);
    }

    private JsonNode status() throws Exception {
        return Json.MAPPER.readTree(Files.readString(dir.resolve("status.json")));
    }

    @Test
    void appliesStepsInOrderOnceAndWritesTheStatus() throws Exception {
        Recorder actions = new Recorder();
        StatusTracker status = new StatusTracker("file:test");
        Reconciler r = reconciler(actions, status, Duration.ZERO, "/ckpt");
        r.offer(version("v1", "source.maxOffsetsPerTrigger", 20000, "console.topN", 3,
                "spark.executor.instances", 5, "spark.executor.memory", "2g", "spark.sql.shuffle.partitions", 8));
        assertThat(r.tick()).isTrue();
        assertThat(actions.calls).containsExactly("live topN=3", "driver 2g");

        actions.calls.clear();
        r.offer(version("v2", "source.maxOffsetsPerTrigger", 20000, "console.topN", 3,
                "spark.executor.instances", 5, "spark.executor.memory", "2g", "spark.sql.shuffle.partitions", 8));
        assertThat(r.tick()).as("same content, new version: nothing to do").isFalse();
        assertThat(actions.calls).isEmpty();

        JsonNode s = status();
        assertThat(s.get("applied").get("spark.executor.memory").asText()).isEqualTo("2g");
        assertThat(s.get("applied").get("source.maxOffsetsPerTrigger").asText()).isEqualTo("20000");
        assertThat(s.get("applied").get("spark.sql.shuffle.partitions").asText()).as("the checkpoint's value stays")
                .isEqualTo(String.valueOf(TuningKeys.SHUFFLE_PARTITIONS.defaultValue()));
        assertThat(s.get("rejected").get("spark.sql.shuffle.partitions").asText()).contains("new --checkpoint");
        assertThat(s.get("restarts").get("session").asLong()).isEqualTo(1);
        assertThat(s.get("query_restarts").asLong()).isZero();
        assertThat(s.get("observed_version").asText()).isEqualTo("v1");
        assertThat(s.get("last_change").get("steps").toString()).contains("covered by the driver restart");
    }

    @Test
    void queryKeysRestartOnceAndExecutorsChangeInPlace() throws Exception {
        Recorder actions = new Recorder();
        StatusTracker status = new StatusTracker("file:test");
        Reconciler r = reconciler(actions, status, Duration.ZERO, "/ckpt");
        r.offer(version("v1", "source.maxOffsetsPerTrigger", 20000, "query.watermarkDelay", "20 hours",
                "spark.executor.instances", 3));
        r.tick();
        assertThat(actions.calls).containsExactly("live topN=20", "executors 3",
                "restart [calls-counts] max=20000");
        assertThat(status().get("query_restarts").asLong()).isEqualTo(1);
    }

    @Test
    void aBurstOfVersionsAppliesOnlyTheLastOnceQuiet() throws Exception {
        Recorder actions = new Recorder();
        Reconciler r = reconciler(actions, new StatusTracker("file:test"), Duration.ofDays(1), null);
        r.offer(version("v1", "console.topN", 1));
        r.offer(version("v2", "console.topN", 2));
        assertThat(r.tick()).as("still within the quiet time").isFalse();
        assertThat(actions.calls).isEmpty();

        Reconciler quick = reconciler(actions, new StatusTracker("file:test"), Duration.ZERO, null);
        quick.offer(version("v1", "console.topN", 1));
        quick.offer(version("v2", "console.topN", 2));
        quick.tick();
        assertThat(quick.tick()).isFalse();
        assertThat(actions.calls).containsExactly("live topN=2");
    }

    @Test
    void anInvalidValueIsRejectedAndTheValidOnesApply() throws Exception {
        Recorder actions = new Recorder();
        Reconciler r = reconciler(actions, new StatusTracker("file:test"), Duration.ZERO, "/ckpt");
        r.offer(version("v1", "console.topN", 4, "source.maxOffsetsPerTrigger", -5));
        r.tick();
        assertThat(actions.calls).containsExactly("live topN=4");
        JsonNode s = status();
        assertThat(s.get("rejected").get("source.maxOffsetsPerTrigger").asText())
                .isEqualTo("source.maxOffsetsPerTrigger: must be at least 0, got -5");
        assertThat(s.get("applied").get("source.maxOffsetsPerTrigger").asText()).isEqualTo("500000");
        assertThat(r.applied().getInt(TuningKeys.CONSOLE_TOP_N)).isEqualTo(4);
    }

    @Test
    void aFailedStepKeepsTheEarlierStepsAndIsReported() throws Exception {
        Recorder actions = new Recorder();
        actions.failRestart = true;
        Reconciler r = reconciler(actions, new StatusTracker("file:test"), Duration.ZERO, "/ckpt");
        r.offer(version("v1", "console.topN", 9, "source.maxOffsetsPerTrigger", 10));
        assertThatThrownBy(r::tick).hasMessageContaining("query could not start");
        assertThat(r.applied().getInt(TuningKeys.CONSOLE_TOP_N)).isEqualTo(9);
        assertThat(r.applied().getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER)).isEqualTo(500_000L);
        assertThat(status().get("applied").get("console.topN").asText()).isEqualTo("9");
    }
}
