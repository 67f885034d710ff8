package io.sfcrime.spark.autoscale;

import io.sfcrime.common.tuning.Tuning;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scaling rules on synthetic batch sequences ({@link SimulatedStream}): slots of 2,000 rows/s, 200 ms of fixed
 * cost per batch, batches of at most 20,000 rows, the shipped autoscale.* defaults unless a test says otherwise
 * (min 1, max 8, catch-up 5 minutes, 70% utilization, 3 growing batches, lag threshold 1,000, window 1 minute,
 * cooldowns 1 minute up and 5 minutes down).
 */
class ScalingPolicyTest {
    static final double SLOT = 2_000;
    static final long OVERHEAD = 200;
    static final long LIMIT = 20_000;

    static ScalingPolicy.Settings settings(Object... keyValues) {
        Map<String, Object> raw = new HashMap<>();
        raw.put("autoscale.enabled", true);
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put((String) keyValues[i], keyValues[i + 1]);
        }
        return ScalingPolicy.Settings.of(Tuning.fromMap(raw));
    }

    static SimulatedStream stream(java.util.function.DoubleUnaryOperator rate, int partitions, int cores,
                                  int executors, double backlog) {
        return new SimulatedStream(rate, SLOT, OVERHEAD, LIMIT, partitions, cores, executors, backlog);
    }

    /** UP and DOWN in order: a flap is a change of direction followed by another one. */
    static List<Decision.Action> directions(SimulatedStream s) {
        return s.changes().stream().map(Decision::action).toList();
    }

    @Test
    void steadyInputHoldsTheCountThatCarriesIt() {
        // 2,000 rows/s need 2,000 / (2,000 x 70%) = 1.4 -> 2 slots. A backlog at start shows what a slot does.
        SimulatedStream s = stream(t -> 2_000, 8, 1, 2, 60_000);
        s.runUntil(new ScalingPolicy(), settings(), 900, null);
        assertThat(s.changes()).isEmpty();
        assertThat(s.executors).isEqualTo(2);
        assertThat(s.decisions.get(s.decisions.size() - 1).reason()).contains("caught up");
    }

    @Test
    void aBurstScalesUpAndBackDownOnce() {
        // 1,000 rows/s, then 6,000 from 2 to 5 minutes, then 1,000 again.
        SimulatedStream s = stream(t -> t >= 120 && t < 300 ? 6_000 : 1_000, 8, 1, 1, 0);
        s.runUntil(new ScalingPolicy(), settings(), 1_500, null);
        List<Decision> changes = s.changes();
        assertThat(changes).isNotEmpty();
        Decision firstUp = changes.get(0);
        assertThat(firstUp.action()).isEqualTo(Decision.Action.UP);
        assertThat(s.secondsAt(firstUp)).isBetween(120.0, 160.0);
        assertThat(firstUp.reason()).contains("lag grew for 3 batches");
        // Enough for 6,000 rows/s plus the backlog: 6,000 / (2,000 x 70%) = 4.3 -> at least 5.
        assertThat(s.maxExecutors()).isBetween(5, 8);
        // Every UP comes before every DOWN: no flapping.
        List<Decision.Action> dirs = directions(s);
        assertThat(dirs.indexOf(Decision.Action.DOWN)).isGreaterThan(dirs.lastIndexOf(Decision.Action.UP));
        Decision down = changes.get(changes.size() - 1);
        assertThat(down.action()).isEqualTo(Decision.Action.DOWN);
        assertThat(down.reason()).contains("caught up through the metrics window");
        // 1,000 rows/s fit one executor at 70%; the lag is back under the threshold.
        assertThat(s.executors).isEqualTo(1);
        assertThat(s.lagByBatch.get(s.lagByBatch.size() - 1)).isLessThanOrEqualTo(1_000L);
    }

    @Test
    void aSlowDrainScalesUpWhenItWouldOutlastTheCatchUpTime() {
        // 500,000 behind, 1,800 rows/s arriving, one slot of 2,000: the lag falls, but at 200 rows/s it would take
        // 2,500 s, over the 5-minute catch-up time. Input plus lag / 300 s = 3,467 rows/s at 70% of 2,000 -> 3.
        SimulatedStream s = stream(t -> 1_800, 8, 1, 1, 500_000);
        s.runUntil(new ScalingPolicy(), settings(), 600, null);
        Decision up = s.changes().get(0);
        assertThat(up.action()).isEqualTo(Decision.Action.UP);
        assertThat(up.to()).isEqualTo(3);
        assertThat(up.reason()).contains("to clear at 1 executor(s), over autoscale.targetCatchUpTime 300 s");
        // Once cleared and through the scale-down cooldown, back to what 1,800 rows/s need at 70%: 2. No flap.
        List<Decision.Action> dirs = directions(s);
        assertThat(dirs.lastIndexOf(Decision.Action.UP)).isLessThan(Math.max(0, dirs.indexOf(Decision.Action.DOWN)));
        assertThat(s.executors).isEqualTo(2);
        assertThat(s.lagByBatch.get(s.lagByBatch.size() - 1)).isLessThanOrEqualTo(1_000L);

        // A backlog that clears within the catch-up time is no reason: 100,000 at 200 rows/s surplus takes 500 s,
        // at a 15-minute catch-up time it may.
        SimulatedStream patient = stream(t -> 1_800, 8, 1, 1, 100_000);
        patient.runUntil(new ScalingPolicy(), settings("autoscale.targetCatchUpTime", "15 minutes"), 600, null);
        assertThat(patient.changes()).isEmpty();
        assertThat(patient.decisions.get(patient.decisions.size() - 1).reason()).doesNotContain("to clear");
    }

    @Test
    void aLevelBacklogWithNoInputScalesUp() {
        // A restart after downtime: 1,000,000 waiting, nothing new arriving, one slot of 2,000 would need 500 s.
        SimulatedStream s = stream(t -> 0, 8, 1, 1, 1_000_000);
        s.runUntil(new ScalingPolicy(), settings(), 400, null);
        Decision up = s.changes().get(0);
        assertThat(up.action()).isEqualTo(Decision.Action.UP);
        assertThat(up.reason()).contains("would take").contains("to clear at 1 executor(s)");
        assertThat(s.maxExecutors()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void noisyRatesDoNotFlap() {
        // Around 1,300 rows/s, each batch's rate drawn anywhere from 40% below to 40% above.
        Random random = new Random(20);
        SimulatedStream s = stream(t -> 1_300 * (0.6 + 0.8 * random.nextDouble()), 8, 1, 2, 40_000);
        s.runUntil(new ScalingPolicy(), settings(), 3_600, null);
        assertThat(directions(s)).doesNotContain(Decision.Action.UP);
        assertThat(s.changes()).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void neverMoreExecutorCoresThanInputPartitions() {
        // 10,000 rows/s would want 8 executors, but 2 partitions keep only 2 single-core executors busy.
        SimulatedStream s = stream(t -> 10_000, 2, 1, 1, 0);
        s.runUntil(new ScalingPolicy(), settings(), 600, null);
        assertThat(s.maxExecutors()).isEqualTo(2);
        assertThat(s.decisions.get(s.decisions.size() - 1).reason())
                .contains("2 input partition(s) keep at most 2 executor(s) of 1 core(s) busy");

        // With 2 cores per executor, one executor already has a core per partition.
        SimulatedStream wide = stream(t -> 10_000, 2, 2, 1, 0);
        wide.runUntil(new ScalingPolicy(), settings(), 600, null);
        assertThat(wide.changes()).isEmpty();
        assertThat(wide.maxExecutors()).isEqualTo(1);
    }

    @Test
    void theBoundsApplyAtOnceWithoutCooldown() {
        SimulatedStream above = stream(t -> 1_000, 8, 1, 6, 0);
        Decision first = above.step(new ScalingPolicy(), settings("autoscale.maxExecutors", 3), null);
        assertThat(first.action()).isEqualTo(Decision.Action.DOWN);
        assertThat(first.to()).isEqualTo(3);
        assertThat(first.reason()).contains("above the upper bound: autoscale.maxExecutors 3");

        ScalingPolicy policy = new ScalingPolicy();
        SimulatedStream below = stream(t -> 1_000, 8, 1, 1, 0);
        ScalingPolicy.Settings cfg = settings("autoscale.minExecutors", 3, "autoscale.maxExecutors", 4);
        Decision up = below.step(policy, cfg, null);
        assertThat(up.action()).isEqualTo(Decision.Action.UP);
        assertThat(up.to()).isEqualTo(3);
        below.runUntil(policy, cfg, 900, null);
        // Held at the minimum although one executor would carry 1,000 rows/s.
        assertThat(below.executorsByBatch).allMatch(n -> n >= 3 && n <= 4);
        assertThat(below.executors).isEqualTo(3);
    }

    @Test
    void cooldownsSpaceTheChanges() {
        // A rate that keeps rising for 10 minutes (to 16,000 rows/s), then drops: each scale-up waits for the
        // cooldown before the next, and the scale-down waits for its own after the last change.
        SimulatedStream s = stream(t -> t < 600 ? 1_000 + 25 * t : 500, 16, 1, 1, 0);
        // The lag regrows a minute or so after each scale-up; a 3-minute cooldown is what spaces them here.
        ScalingPolicy.Settings cfg = settings("autoscale.maxExecutors", 16, "autoscale.targetCatchUpTime", "1 hour",
                "autoscale.scaleUpCooldown", "3 minutes");
        s.runUntil(new ScalingPolicy(), cfg, 2_000, null);
        List<Decision> changes = s.changes();
        assertThat(changes).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < changes.size(); i++) {
            Decision before = changes.get(i - 1);
            Decision next = changes.get(i);
            double gap = s.secondsAt(next) - s.secondsAt(before);
            double cooldown = next.action() == Decision.Action.UP ? 180 : 300;
            assertThat(gap).as("%s then %s", before.describe(), next.describe()).isGreaterThanOrEqualTo(cooldown);
        }
        assertThat(s.decisions).anySatisfy(d -> assertThat(d.reason()).contains("cooldown"));
    }

    @Test
    void recordedOnlyDecisionsChangeNothingAndRepeatAtMostOncePerCooldown() {
        SimulatedStream s = stream(t -> t >= 60 ? 6_000 : 1_000, 8, 1, 1, 0);
        s.runUntil(new ScalingPolicy(), settings(), 600, "autoscale.mode is recommend");
        assertThat(s.executorsByBatch).containsOnly(1);
        List<Decision> changes = s.changes();
        assertThat(changes).isNotEmpty().allSatisfy(d -> {
            assertThat(d.apply()).isFalse();
            assertThat(d.action()).isEqualTo(Decision.Action.UP);
            assertThat(d.reason()).endsWith("not carried out: autoscale.mode is recommend");
            assertThat(d.describe()).startsWith("would scale up 1 -> ");
        });
        for (int i = 1; i < changes.size(); i++) {
            assertThat(s.secondsAt(changes.get(i)) - s.secondsAt(changes.get(i - 1))).isGreaterThanOrEqualTo(60);
        }
    }

    @Test
    void executorsForRoundsUpToWholeExecutors() {
        assertThat(ScalingPolicy.executorsFor(2_800, 2_000, 0.7, 1, 9)).isEqualTo(2);
        assertThat(ScalingPolicy.executorsFor(2_801, 2_000, 0.7, 1, 9)).isEqualTo(3);
        assertThat(ScalingPolicy.executorsFor(2_801, 2_000, 0.7, 2, 9)).isEqualTo(2);
        assertThat(ScalingPolicy.executorsFor(5_000, 0, 0.7, 1, 4)).as("no rate known: keep").isEqualTo(4);
    }
}
