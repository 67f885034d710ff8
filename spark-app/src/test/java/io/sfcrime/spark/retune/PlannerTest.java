package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.ApplyMode;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Setting;
import io.sfcrime.common.tuning.SettingType;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.retune.source.Observed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlannerTest {
    private static final String CHECKPOINT = "/data/checkpoint";
    private static final Tuning APPLIED = Tuning.defaults();

    /**
     * The step each key's change lands in when the checkpoint holds no state yet, written out here rather than read
     * from the declarations the planner itself reads (a key fixed by the checkpoint is still free then: the counts
     * query restarts with it).
     */
    static final Map<String, ApplyMode> STEP_WITHOUT_STATE = Map.ofEntries(
            Map.entry("spark.sql.shuffle.partitions", ApplyMode.QUERY_RESTART),
            Map.entry("spark.sql.streaming.checkpointFileManagerClass", ApplyMode.DRIVER_RESTART),
            Map.entry("spark.executor.instances", ApplyMode.EXECUTORS),
            Map.entry("spark.executor.cores", ApplyMode.DRIVER_RESTART),
            Map.entry("spark.executor.memory", ApplyMode.DRIVER_RESTART),
            Map.entry("source.maxOffsetsPerTrigger", ApplyMode.QUERY_RESTART),
            Map.entry("source.minPartitions", ApplyMode.QUERY_RESTART),
            Map.entry("source.maxPollRecords", ApplyMode.QUERY_RESTART),
            Map.entry("source.maxPartitionFetchBytes", ApplyMode.QUERY_RESTART),
            Map.entry("source.startingOffsets", ApplyMode.QUERY_RESTART),
            Map.entry("source.failOnDataLoss", ApplyMode.QUERY_RESTART),
            Map.entry("query.triggerInterval", ApplyMode.QUERY_RESTART),
            Map.entry("query.watermarkDelay", ApplyMode.QUERY_RESTART),
            Map.entry("query.windowDuration", ApplyMode.QUERY_RESTART),
            Map.entry("query.dedupe", ApplyMode.QUERY_RESTART),
            Map.entry("query.preAggregate", ApplyMode.QUERY_RESTART),
            Map.entry("validation.minEventTime", ApplyMode.QUERY_RESTART),
            Map.entry("validation.maxFutureSkew", ApplyMode.QUERY_RESTART),
            Map.entry("tuning.undeclaredSparkKeys", ApplyMode.LIVE),
            Map.entry("console.topN", ApplyMode.LIVE),
            Map.entry("autoscale.enabled", ApplyMode.LIVE),
            Map.entry("autoscale.mode", ApplyMode.LIVE),
            Map.entry("autoscale.minExecutors", ApplyMode.LIVE),
            Map.entry("autoscale.maxExecutors", ApplyMode.LIVE),
            Map.entry("autoscale.targetCatchUpTime", ApplyMode.LIVE),
            Map.entry("autoscale.targetUtilization", ApplyMode.LIVE),
            Map.entry("autoscale.lagGrowthBatches", ApplyMode.LIVE),
            Map.entry("autoscale.lagThreshold", ApplyMode.LIVE),
            Map.entry("autoscale.metricsWindow", ApplyMode.LIVE),
            Map.entry("autoscale.scaleUpCooldown", ApplyMode.LIVE),
            Map.entry("autoscale.scaleDownCooldown", ApplyMode.LIVE));
    /** The keys an existing checkpoint fixes: a change to one of them is refused, written out likewise. */
    static final Set<String> REFUSED_UNDER_A_CHECKPOINT = Set.of("spark.sql.shuffle.partitions",
            "query.windowDuration", "query.dedupe", "query.preAggregate");

    static List<Setting> keys() {
        return TuningKeys.ALL;
    }

    @Test
    void theTablesCoverEveryDeclaredKey() {
        assertThat(STEP_WITHOUT_STATE.keySet()).containsExactlyInAnyOrderElementsOf(
                TuningKeys.ALL.stream().map(Setting::name).toList());
        assertThat(STEP_WITHOUT_STATE).containsKeys(REFUSED_UNDER_A_CHECKPOINT.toArray(String[]::new));
    }

    /** A valid value other than the default, from the key's type. */
    static Object otherValue(Setting s) {
        return switch (s.type()) {
            case INT -> (Integer) s.defaultValue() + 3;
            case LONG -> (Long) s.defaultValue() + 7;
            case BOOLEAN -> !(Boolean) s.defaultValue();
            case DURATION -> "42 minutes";
            case STRING -> s == TuningKeys.STARTING_OFFSETS ? "latest" : s == TuningKeys.AUTOSCALE_MODE ? "recommend"
                    : s == TuningKeys.MIN_EVENT_TIME ? "2000-01-01"
                    : s == TuningKeys.UNDECLARED_SPARK_KEYS ? "spark.example.ownKey"
                    : s == TuningKeys.CHECKPOINT_FILE_MANAGER
                    ? "org.apache.spark.sql.execution.streaming.FileContextBasedCheckpointFileManager" : "3g";
        };
    }

    static Observed with(Map<String, ?> base, String key, Object value) {
        Map<String, Object> raw = new LinkedHashMap<>(base);
        raw.put(key, value);
        return Observed.of(raw, "v-" + key);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void everyDeclaredKeyAppliesByItsDeclaredMode(Setting s) {
        Plan plan = Planner.plan(APPLIED, with(APPLIED.asStrings(), s.name(), otherValue(s)), null);
        assertThat(plan.rejected()).isEmpty();
        ApplyMode expected = STEP_WITHOUT_STATE.get(s.name());
        assertThat(plan.steps()).singleElement().satisfies(step -> {
            assertThat(step.mode()).isEqualTo(expected);
            assertThat(step.changes()).singleElement().satisfies(c -> {
                assertThat(c.key()).isEqualTo(s.name());
                assertThat(c.from()).isEqualTo(s.defaultText());
                assertThat(c.to()).isEqualTo(s.render(s.parse(otherValue(s))));
            });
        });
        assertThat(plan.target().get(s)).isEqualTo(s.parse(otherValue(s)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void fixedByCheckpointKeysAreRefusedUnderAnExistingCheckpoint(Setting s) {
        Plan plan = Planner.plan(APPLIED, with(APPLIED.asStrings(), s.name(), otherValue(s)), CHECKPOINT);
        if (!REFUSED_UNDER_A_CHECKPOINT.contains(s.name())) {
            assertThat(plan.rejected()).doesNotContainKey(s.name());
            assertThat(plan.steps()).singleElement().satisfies(step ->
                    assertThat(step.mode()).isEqualTo(STEP_WITHOUT_STATE.get(s.name())));
            return;
        }
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.target()).isEqualTo(APPLIED);
        assertThat(plan.rejected().get(s.name())).contains("fixed by the checkpoint in " + CHECKPOINT)
                .contains("new --checkpoint");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void anInvalidValueIsRejectedAndTheLastGoodValueStays(Setting s) {
        Object bad = s.type() == SettingType.STRING ? "not a valid value" : "nonsense";
        Tuning applied = Tuning.fromMap(Map.of(TuningKeys.CONSOLE_TOP_N.name(), 7));
        Map<String, Object> raw = new HashMap<>(applied.asStrings());
        raw.put(s.name(), bad);
        Plan plan = Planner.plan(applied, Observed.of(raw, "v2"), CHECKPOINT);
        assertThat(plan.rejected()).containsOnlyKeys(s.name());
        assertThat(plan.rejected().get(s.name())).startsWith(s.name() + ": ");
        assertThat(plan.steps()).isEmpty();
        assertThat(plan.target()).isEqualTo(applied);
    }

    @Test
    void passThroughSparkKeysRestartTheDriverWhenAddedChangedOrRemoved() {
        Map<String, Object> raw = new HashMap<>(APPLIED.asStrings());
        raw.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        Plan added = Planner.plan(APPLIED, Observed.of(raw, "v1"), CHECKPOINT);
        assertThat(added.steps()).singleElement().satisfies(step -> {
            assertThat(step.mode()).isEqualTo(ApplyMode.DRIVER_RESTART);
            assertThat(step.changes()).containsExactly(new Change("spark.serializer", null,
                    "org.apache.spark.serializer.KryoSerializer", ApplyMode.DRIVER_RESTART));
        });
        assertThat(added.target().passThrough()).containsEntry("spark.serializer",
                "org.apache.spark.serializer.KryoSerializer");

        Plan removed = Planner.plan(added.target(), Observed.of(APPLIED.asStrings(), "v2"), CHECKPOINT);
        assertThat(removed.step(ApplyMode.DRIVER_RESTART).changes()).containsExactly(new Change("spark.serializer",
                "org.apache.spark.serializer.KryoSerializer", null, ApplyMode.DRIVER_RESTART));
        assertThat(removed.target().passThrough()).isEmpty();
    }

    @Test
    void unknownKeysAreRejectedWithTheNearestKnownOne() {
        Plan plan = Planner.plan(APPLIED, with(Map.of(), "source.maxOffsetPerTrigger", 5), CHECKPOINT);
        assertThat(plan.rejected().get("source.maxOffsetPerTrigger"))
                .contains("unknown key").contains("did you mean 'source.maxOffsetsPerTrigger'");
        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void stepsComeInTheFixedOrderAndOneQueryRestartCoversEveryQueryKey() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put(TuningKeys.WATERMARK_DELAY.name(), "2 hours");
        raw.put(TuningKeys.CONSOLE_TOP_N.name(), 3);
        raw.put(TuningKeys.MAX_OFFSETS_PER_TRIGGER.name(), 20_000);
        raw.put(TuningKeys.EXECUTOR_INSTANCES.name(), 4);
        raw.put(TuningKeys.TRIGGER_INTERVAL.name(), "5s");
        Plan plan = Planner.plan(APPLIED, Observed.of(raw, "v1"), CHECKPOINT);
        assertThat(plan.steps()).extracting(Plan.Step::mode)
                .containsExactly(ApplyMode.LIVE, ApplyMode.EXECUTORS, ApplyMode.QUERY_RESTART);
        Plan.Step restart = plan.step(ApplyMode.QUERY_RESTART);
        assertThat(restart.changes()).extracting(Change::key).containsExactlyInAnyOrder(
                TuningKeys.WATERMARK_DELAY.name(), TuningKeys.MAX_OFFSETS_PER_TRIGGER.name(),
                TuningKeys.TRIGGER_INTERVAL.name());
        assertThat(restart.queries()).containsExactly(JobQuery.COUNTS);
        assertThat(plan.steps()).allSatisfy(s -> assertThat(s.skipped()).isNull());
        assertThat(plan.target().getDuration(TuningKeys.WATERMARK_DELAY)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void theWatermarkAloneRestartsOnlyTheCountsQuery() {
        Plan plan = Planner.plan(APPLIED, with(Map.of(), TuningKeys.WATERMARK_DELAY.name(), "3 hours"), CHECKPOINT);
        assertThat(plan.step(ApplyMode.QUERY_RESTART).queries()).containsExactly(JobQuery.COUNTS);
    }

    @Test
    void aDriverRestartCoversQueryRestartsAndTheExecutorCount() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put(TuningKeys.EXECUTOR_MEMORY.name(), "2g");
        raw.put(TuningKeys.EXECUTOR_INSTANCES.name(), 3);
        raw.put(TuningKeys.MAX_OFFSETS_PER_TRIGGER.name(), 500);
        raw.put(TuningKeys.CONSOLE_TOP_N.name(), 1);
        Plan plan = Planner.plan(APPLIED, Observed.of(raw, "v1"), CHECKPOINT);
        assertThat(plan.steps()).extracting(Plan.Step::mode).containsExactly(ApplyMode.LIVE, ApplyMode.EXECUTORS,
                ApplyMode.QUERY_RESTART, ApplyMode.DRIVER_RESTART);
        assertThat(plan.step(ApplyMode.LIVE).skipped()).isNull();
        assertThat(plan.step(ApplyMode.EXECUTORS).skipped()).contains("driver restart");
        assertThat(plan.step(ApplyMode.QUERY_RESTART).skipped()).contains("driver restart");
        assertThat(plan.step(ApplyMode.DRIVER_RESTART).skipped()).isNull();
    }

    @Test
    void sameContentPlansNothing() {
        Plan plan = Planner.plan(APPLIED, Observed.of(APPLIED.asStrings(), "v9"), CHECKPOINT);
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.rejected()).isEmpty();
        // Absent keys mean defaults: an empty source is the same as the defaults.
        assertThat(Planner.plan(APPLIED, Observed.of(Map.of(), "v10"), CHECKPOINT).isEmpty()).isTrue();
    }

    @Test
    void anUnreadableSourceChangesNothingAndSaysWhy() {
        Tuning applied = Tuning.fromMap(Map.of(TuningKeys.CONSOLE_TOP_N.name(), 4));
        Plan plan = Planner.plan(applied, Observed.failed("x", "tuning file t.yaml is not valid YAML"), CHECKPOINT);
        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.target()).isEqualTo(applied);
        assertThat(plan.rejected()).containsEntry(Planner.SOURCE_KEY, "tuning file t.yaml is not valid YAML");
    }
}
