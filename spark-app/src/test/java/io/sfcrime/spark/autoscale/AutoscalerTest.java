package io.sfcrime.spark.autoscale;

import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.spark.retune.Actions;
import io.sfcrime.spark.retune.status.AutoscalerStatus;
import io.sfcrime.spark.retune.status.Condition;
import io.sfcrime.spark.retune.status.RestartKind;
import io.sfcrime.spark.retune.status.StatusSink;
import io.sfcrime.spark.retune.status.StatusTracker;
import io.sfcrime.spark.retune.status.TuningStatus;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The autoscaler's effects around the policy: what it asks of the executors, the status it writes, its conditions
 * and Events, a manual count in the tuning, recommend mode and local mode. Batches are fed as the listener would
 * (end offsets of one 4-partition topic), the lag comes from a scripted source, time from a clock the test moves.
 */
class AutoscalerTest {
    final AtomicLong now = new AtomicLong(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli());
    final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    final StatusTracker status = new StatusTracker("configmap:ns/t", clock);
    final List<String> events = new ArrayList<>();
    final StatusSink sink = new StatusSink() {
        @Override
        public void write(TuningStatus s, boolean change) {
        }

        @Override
        public void event(boolean warning, String reason, String message) {
            events.add((warning ? "Warning " : "Normal ") + reason + ": " + message);
        }
    };
    final AtomicReference<Tuning> tuning = new AtomicReference<>(tuning("autoscale.enabled", true));
    final Autoscaler autoscaler = new Autoscaler(status, sink, tuning::get, now::get);
    long lag;
    long offset;
    long batch;

    /** Executors of a cluster manager that start at once. */
    static final class Executors implements Actions {
        final List<Integer> asked = new ArrayList<>();
        final boolean local;
        int running;

        Executors(int running, boolean local) {
            this.running = running;
            this.local = local;
        }

        @Override
        public OptionalInt executors() {
            return local ? OptionalInt.empty() : OptionalInt.of(running);
        }

        @Override
        public String setExecutors(int count) {
            asked.add(count);
            running = count;
            return "requested " + count;
        }

        @Override
        public void applyLive(Tuning t) {
        }

        @Override
        public void restartQueries(Set<JobQuery> queries, Tuning t) {
        }

        @Override
        public RestartKind requestDriverRestart(Tuning t) {
            return RestartKind.SESSION;
        }
    }

    static Tuning tuning(Object... keyValues) {
        Map<String, Object> raw = new HashMap<>();
        raw.put("spark.executor.instances", 1);
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Tuning.fromMap(raw);
    }

    /** One batch of {@code rows} taking a second, after which the lag is {@code lagAfter}; judged at once. */
    void batch(Actions actions, long rows, long lagAfter) {
        now.addAndGet(1_000);
        offset += rows;
        lag = lagAfter;
        long p = offset / 4;
        autoscaler.measureLagWith(json -> lag);
        autoscaler.offer(new Autoscaler.Report(batch++, rows, 1_000,
                "{\"calls\":{\"0\":" + p + ",\"1\":" + p + ",\"2\":" + p + ",\"3\":" + p + "}}", 0));
        assertThat(autoscaler.tick(actions)).isTrue();
    }

    /** Batches whose lag grows by 5,000 each: more input than the executors take. */
    void falling(Actions actions, int batches) {
        for (int i = 0; i < batches; i++) {
            batch(actions, 2_000, lag + 5_000);
        }
    }

    Condition condition(Condition.Type type) {
        return status.snapshot().condition(type);
    }

    @Test
    void aGrowingLagScalesUpInPlaceWithAnEventAndTheStatusSaysSo() {
        Executors actions = new Executors(1, false);
        assertThat(condition(Condition.Type.AUTOSCALER_ACTIVE).status()).isEqualTo("True");
        falling(actions, 4);
        assertThat(actions.asked).hasSize(1);
        // 7,000 rows/s arrive (2,000 read + 5,000 more behind each second) and a slot did 2,000: 5 executors at
        // 70%, but the topic's 4 partitions keep only 4 single-core executors busy.
        int target = actions.asked.get(0);
        assertThat(target).isEqualTo(4);
        assertThat(events).singleElement().asString()
                .startsWith("Normal ScaledUp: batch 3: scale up 1 -> " + target + ": lag grew for 3 batches")
                .contains("; requested " + target);
        AutoscalerStatus a = status.snapshot().autoscaler();
        assertThat(a.targetExecutors()).isEqualTo(target);
        assertThat(a.scaledUp()).isEqualTo(1);
        assertThat(a.lastDecision().action()).isEqualTo("UP");
        assertThat(a.lastDecision().applied()).isTrue();
        assertThat(a.lastDecision().lag()).isEqualTo(20_000);
        assertThat(a.lastBatch()).startsWith("batch 3: scale up 1 -> " + target);
        assertThat(condition(Condition.Type.LAGGING).status()).isEqualTo("True");
        assertThat(condition(Condition.Type.LAGGING).reason()).isEqualTo("LagGrowing");
        assertThat(condition(Condition.Type.PROGRESSING).reason()).isEqualTo("ReadingInput");
        // The lag keeps growing: held at the bound, and said so.
        falling(actions, 5);
        assertThat(actions.asked).hasSize(1);
        assertThat(status.snapshot().autoscaler().lastBatch()).contains("4 is the upper bound (4 input partition(s)");
    }

    @Test
    void laggingFlipsAndItsTransitionTimeMovesOnlyWithTheStatus() {
        Executors actions = new Executors(1, false);
        batch(actions, 100, 10);
        Condition caughtUp = condition(Condition.Type.LAGGING);
        assertThat(caughtUp.status()).isEqualTo("False");
        assertThat(caughtUp.reason()).isEqualTo("CaughtUp");
        batch(actions, 100, 20);
        Condition stillCaughtUp = condition(Condition.Type.LAGGING);
        assertThat(stillCaughtUp.message()).isNotEqualTo(caughtUp.message());
        assertThat(stillCaughtUp.lastTransitionTime()).isEqualTo(caughtUp.lastTransitionTime());
        // 10 -> 20 -> 5,020 -> 10,020: three rises adding more than the threshold, at the fourth second.
        falling(actions, 2);
        Condition lagging = condition(Condition.Type.LAGGING);
        assertThat(lagging.status()).isEqualTo("True");
        assertThat(lagging.reason()).isEqualTo("LagGrowing");
        assertThat(lagging.lastTransitionTime()).isEqualTo("2026-12-02T10:00:04Z");
        assertThat(caughtUp.lastTransitionTime()).isEqualTo("2026-12-02T10:00:01Z");
        falling(actions, 1);
        assertThat(condition(Condition.Type.LAGGING).lastTransitionTime()).isEqualTo("2026-12-02T10:00:04Z");
        // Ready comes from the status listener's progress, not from here; a stop makes it False.
        status.progress(7, 100.0, 100);
        assertThat(condition(Condition.Type.READY).status()).isEqualTo("True");
        status.stopping("the driver is stopping");
        assertThat(condition(Condition.Type.READY).reason()).isEqualTo("Stopped");
    }

    @Test
    void aManualExecutorCountInTheTuningWinsUntilAnAutoscaleKeyChanges() {
        Executors actions = new Executors(1, false);
        Tuning before = tuning.get();
        Tuning manual = tuning("autoscale.enabled", true, "spark.executor.instances", 2);
        tuning.set(manual);
        actions.setExecutors(2);
        autoscaler.tuningApplied(before, manual, "v7");
        actions.asked.clear();
        AutoscalerStatus a = status.snapshot().autoscaler();
        assertThat(a.state()).isEqualTo("ManualOverride");
        assertThat(a.manualExecutors()).isEqualTo(2);
        Condition active = condition(Condition.Type.AUTOSCALER_ACTIVE);
        assertThat(active.status()).isEqualTo("False");
        assertThat(active.message()).contains("spark.executor.instances 2 set in tuning version v7 wins");

        // The cooldown runs from the manual change; after it, a growing lag is only recommended.
        now.addAndGet(60_000);
        falling(actions, 4);
        assertThat(actions.asked).isEmpty();
        assertThat(events).singleElement().asString().startsWith("Normal ScaleRecommended: batch 3: would scale up 2 -> ")
                .contains("not carried out: the manual spark.executor.instances 2 (tuning version v7) wins");
        assertThat(status.snapshot().autoscaler().recommended()).isEqualTo(1);

        // Any autoscale.* change hands the count back.
        Tuning rearmed = tuning("autoscale.enabled", true, "spark.executor.instances", 2, "autoscale.maxExecutors", 6);
        autoscaler.tuningApplied(manual, rearmed, "v8");
        tuning.set(rearmed);
        assertThat(status.snapshot().autoscaler().state()).isEqualTo("Scaling");
        assertThat(status.snapshot().autoscaler().manualExecutors()).isNull();
        now.addAndGet(60_000);
        falling(actions, 4);
        assertThat(actions.asked).isNotEmpty();
        assertThat(events.get(events.size() - 1)).startsWith("Normal ScaledUp:");
    }

    @Test
    void recommendModeAndLocalModeRecordWithoutChangingAnything() {
        tuning.set(tuning("autoscale.enabled", true, "autoscale.mode", "recommend"));
        Executors cluster = new Executors(1, false);
        falling(cluster, 4);
        assertThat(cluster.asked).isEmpty();
        assertThat(events).singleElement().asString().contains("not carried out: autoscale.mode is recommend");
        assertThat(condition(Condition.Type.AUTOSCALER_ACTIVE).reason()).isEqualTo("RecommendOnly");

        tuning.set(tuning("autoscale.enabled", true));
        Executors local = new Executors(1, true);
        now.addAndGet(120_000);
        falling(local, 4);
        assertThat(local.asked).isEmpty();
        assertThat(events.get(events.size() - 1)).contains("not carried out: no executors to scale in local mode");
        AutoscalerStatus a = status.snapshot().autoscaler();
        assertThat(a.state()).isEqualTo("NoExecutors");
        assertThat(a.runningExecutors()).isNull();
    }

    @Test
    void offByDefaultItOnlyWatchesTheLag() {
        tuning.set(tuning());
        Executors actions = new Executors(1, false);
        falling(actions, 6);
        assertThat(actions.asked).isEmpty();
        assertThat(events).isEmpty();
        assertThat(status.snapshot().autoscaler().state()).isEqualTo("Disabled");
        assertThat(condition(Condition.Type.AUTOSCALER_ACTIVE).status()).isEqualTo("False");
        assertThat(condition(Condition.Type.LAGGING).status()).isEqualTo("True");
    }

    @Test
    void endOffsetsNameThePartitions() {
        assertThat(Autoscaler.partitions("{\"calls\":{\"0\":5,\"1\":7,\"2\":9}}")).isEqualTo(3);
        assertThat(Autoscaler.partitions(null)).isZero();
        assertThat(Autoscaler.partitions("not json")).isZero();
    }
}
