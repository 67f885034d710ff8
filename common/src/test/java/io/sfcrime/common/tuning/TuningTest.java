package io.sfcrime.common.tuning;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TuningTest {
    /**
     * How each key applies, written out here rather than read from {@link TuningKeys}: a declaration that changes
     * a key's mode must change this table too, on purpose.
     */
    static final Map<String, ApplyMode> EXPECTED_MODES = Map.ofEntries(
            Map.entry("spark.sql.shuffle.partitions", ApplyMode.FIXED_BY_CHECKPOINT),
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
            Map.entry("query.windowDuration", ApplyMode.FIXED_BY_CHECKPOINT),
            Map.entry("query.dedupe", ApplyMode.FIXED_BY_CHECKPOINT),
            Map.entry("query.preAggregate", ApplyMode.FIXED_BY_CHECKPOINT),
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

    @Test
    void everyKeyAppliesByTheModeWrittenOutInTheTable() {
        Set<String> declared = new HashSet<>();
        TuningKeys.ALL.forEach(s -> declared.add(s.name()));
        assertThat(EXPECTED_MODES.keySet()).as("the table lists exactly the declared keys").isEqualTo(declared);
        for (Setting s : TuningKeys.ALL) {
            assertThat(s.applyMode()).as(s.name()).isEqualTo(EXPECTED_MODES.get(s.name()));
            assertThat(TuningKeys.applyMode(s.name())).as(s.name()).contains(EXPECTED_MODES.get(s.name()));
        }
    }

    @Test
    void keysAreDeclaredOnceWithDefaultsThatPassTheirOwnChecks() {
        Set<String> names = new HashSet<>();
        for (Setting s : TuningKeys.ALL) {
            assertThat(names.add(s.name())).as("duplicate %s", s.name()).isTrue();
            assertThat(s.doc()).isNotBlank();
            assertThat(s.parse(s.defaultText())).as(s.name()).isEqualTo(s.defaultValue());
            assertThat(TuningKeys.find(s.name())).contains(s);
            assertThat(TuningKeys.applyMode(s.name())).contains(s.applyMode());
        }
    }

    @Test
    void defaultsCoverEveryKey() {
        Tuning t = Tuning.defaults();
        assertThat(t.getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(1);
        assertThat(t.getDuration(TuningKeys.WINDOW_DURATION)).isEqualTo(Duration.ofHours(1));
        assertThat(t.asStrings().keySet()).hasSize(TuningKeys.ALL.size());
        assertThat(t.sparkConf()).containsEntry("spark.sql.shuffle.partitions", "1")
                .doesNotContainKey("source.maxOffsetsPerTrigger");
    }

    @Test
    void kafkaConsumerOptionsCarryTheSourceConsumerKeys() {
        Tuning t = Tuning.fromMap(Map.of("source.maxPollRecords", 700, "source.maxPartitionFetchBytes", 2048));
        assertThat(t.kafkaConsumerOptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "kafka.max.poll.records", "700", "kafka.max.partition.fetch.bytes", "2048"));
        assertThat(Tuning.defaults().kafkaConsumerOptions()).containsEntry("kafka.max.poll.records", "5000");
    }

    @Test
    void parsesTypedValuesFromStringsAndYamlScalars() {
        Tuning t = Tuning.fromMap(Map.of(
                "spark.sql.shuffle.partitions", "8",
                "source.maxOffsetsPerTrigger", 5000L,
                "query.triggerInterval", "10s",
                "query.watermarkDelay", "2 hours",
                "query.dedupe", true,
                "source.startingOffsets", "latest"));
        assertThat(t.getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(8);
        assertThat(t.getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER)).isEqualTo(5000L);
        assertThat(t.getDuration(TuningKeys.TRIGGER_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.getDuration(TuningKeys.WATERMARK_DELAY)).isEqualTo(Duration.ofHours(2));
        assertThat(t.getBoolean(TuningKeys.DEDUPE)).isTrue();
        assertThat(t.getString(TuningKeys.STARTING_OFFSETS)).isEqualTo("latest");
        assertThat(t.asStrings()).containsEntry("query.triggerInterval", "10 seconds");
        assertThat(t).isEqualTo(Tuning.fromMap(Map.of("spark.sql.shuffle.partitions", 8,
                "source.maxOffsetsPerTrigger", "5000", "query.triggerInterval", "10 seconds",
                "query.watermarkDelay", "120m", "query.dedupe", "true", "source.startingOffsets", "latest")));
    }

    @Test
    void strictRejectionListsEveryProblemWithReasons() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("spark.sql.shuffle.partitions", 0);
        raw.put("query.triggerInterval", "10");
        raw.put("query.dedupe", "yes");
        raw.put("source.startingOffsets", "middle");
        raw.put("spark.executor.memory", "lots");
        raw.put("query.windowDuration", "0");
        raw.put("source.maxOffsetsPerTrigger", 1.5);
        InvalidTuningException e = catchThrowableOfType(() -> Tuning.fromMap(raw), InvalidTuningException.class);
        assertThat(e.rejected()).containsOnlyKeys(raw.keySet());
        assertThat(e.rejected().get("spark.sql.shuffle.partitions")).contains("at least 1");
        assertThat(e.rejected().get("query.triggerInterval")).contains("needs a unit");
        assertThat(e.rejected().get("query.dedupe")).contains("not a boolean");
        assertThat(e.rejected().get("source.startingOffsets")).contains("earliest").contains("middle");
        assertThat(e.rejected().get("spark.executor.memory")).contains("512m");
        assertThat(e.rejected().get("query.windowDuration")).contains("longer than 0");
        assertThat(e.rejected().get("source.maxOffsetsPerTrigger")).contains("not an integer");
        assertThat(e.getMessage()).startsWith("invalid tuning: ");
    }

    @Test
    void unknownKeysSuggestTheNearestDeclaredOne() {
        assertThatThrownBy(() -> Tuning.fromMap(Map.of("query.triggerIntervall", "1s")))
                .hasMessageContaining("unknown key 'query.triggerIntervall'")
                .hasMessageContaining("did you mean 'query.triggerInterval'?");
        assertThat(TuningKeys.nearest("source.maxOffsetPerTrigger")).contains("source.maxOffsetsPerTrigger");
        assertThat(TuningKeys.nearest("completely.unrelated.thing.here")).isEmpty();
        assertThatThrownBy(() -> Tuning.fromMap(Map.of("colour", "blue"))).hasMessageNotContaining("did you mean");
    }

    @Test
    void undeclaredSparkKeysPassThrough() {
        Tuning t = Tuning.fromMap(Map.of("spark.sql.adaptive.enabled", false, "spark.ui.port", "4050"));
        assertThat(t.passThrough()).containsEntry("spark.sql.adaptive.enabled", "false")
                .containsEntry("spark.ui.port", "4050");
        assertThat(t.sparkConf()).containsEntry("spark.ui.port", "4050").containsKey("spark.sql.shuffle.partitions");
        assertThat(TuningKeys.applyMode("spark.ui.port")).contains(ApplyMode.DRIVER_RESTART);
        assertThat(TuningKeys.applyMode("nope")).isEmpty();
        assertThat(TuningKeys.isPassThrough("spark.")).isFalse();
        assertThatThrownBy(() -> Tuning.fromMap(Map.of("spark.ui.port", " "))).hasMessageContaining("required");
    }

    @Test
    void lenientValidationKeepsPreviousValuesForRejectedKeys() {
        Tuning previous = Tuning.fromMap(Map.of("console.topN", 5, "spark.ui.port", "4050"));
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("console.topN", -1);
        raw.put("spark.ui.port", "");
        raw.put("source.maxOffsetsPerTrigger", 10);
        Tuning.Validation v = Tuning.validate(raw, previous);
        assertThat(v.rejected()).containsOnlyKeys("console.topN", "spark.ui.port");
        assertThat(v.tuning().getInt(TuningKeys.CONSOLE_TOP_N)).isEqualTo(5);
        assertThat(v.tuning().passThrough()).containsEntry("spark.ui.port", "4050");
        assertThat(v.tuning().getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER)).isEqualTo(10L);
        // Keys absent from the new map go back to their defaults.
        assertThat(Tuning.validate(Map.of(), previous).tuning()).isEqualTo(Tuning.defaults());
    }

    @Test
    void durationsRenderInTheLargestWholeUnit() {
        assertThat(SettingType.renderDuration(Duration.ofMinutes(90))).isEqualTo("90 minutes");
        assertThat(SettingType.renderDuration(Duration.ofDays(1))).isEqualTo("1 day");
        assertThat(SettingType.renderDuration(Duration.ofMillis(1500))).isEqualTo("1500 milliseconds");
        assertThat(SettingType.parseDuration(SettingType.renderDuration(Duration.ZERO))).isEqualTo(Duration.ZERO);
        assertThat(SettingType.parseDuration("0")).isEqualTo(Duration.ZERO);
        assertThat(SettingType.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SettingType.parseDuration("5 min")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> SettingType.parseDuration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void theAutoscalerBoundsMustNotCross() {
        InvalidTuningException e = catchThrowableOfType(() -> Tuning.fromMap(Map.of("autoscale.minExecutors", 5,
                "autoscale.maxExecutors", 3)), InvalidTuningException.class);
        assertThat(e.rejected()).containsOnlyKeys("autoscale.minExecutors", "autoscale.maxExecutors");
        assertThat(e.getMessage()).contains("autoscale.minExecutors 5 is more than autoscale.maxExecutors 3");

        // Live: both keep the values they had, which did not cross.
        Tuning previous = Tuning.fromMap(Map.of("autoscale.minExecutors", 2, "autoscale.maxExecutors", 6));
        Tuning.Validation v = Tuning.validate(Map.of("autoscale.minExecutors", 2, "autoscale.maxExecutors", 1),
                previous);
        assertThat(v.rejected()).containsOnlyKeys("autoscale.minExecutors", "autoscale.maxExecutors");
        assertThat(v.tuning().getInt(TuningKeys.AUTOSCALE_MIN_EXECUTORS)).isEqualTo(2);
        assertThat(v.tuning().getInt(TuningKeys.AUTOSCALE_MAX_EXECUTORS)).isEqualTo(6);

        assertThat(Tuning.fromMap(Map.of("autoscale.minExecutors", 4, "autoscale.maxExecutors", 4))
                .getInt(TuningKeys.AUTOSCALE_MAX_EXECUTORS)).isEqualTo(4);
        assertThat(catchThrowableOfType(() -> Tuning.fromMap(Map.of("autoscale.minExecutors", 0)),
                InvalidTuningException.class).rejected()).containsOnlyKeys("autoscale.minExecutors");
        assertThat(catchThrowableOfType(() -> Tuning.fromMap(Map.of("autoscale.targetUtilization", 101)),
                InvalidTuningException.class).getMessage()).contains("must be from 10 to 100, got 101");
        assertThat(catchThrowableOfType(() -> Tuning.fromMap(Map.of("autoscale.targetCatchUpTime", "0")),
                InvalidTuningException.class).getMessage()).contains("autoscale.targetCatchUpTime: must be longer than 0");
        assertThat(catchThrowableOfType(() -> Tuning.fromMap(Map.of("autoscale.mode", "auto")),
                InvalidTuningException.class).getMessage()).contains("must be one of [act, recommend]");
    }
}
