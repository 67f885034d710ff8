package io.sfcrime.common.tuning;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The declaration of one key: every part but the check is required, and it says which queries it shapes. */
class SettingTest {

    @Test
    void aDeclarationWithoutItsQueriesIsRefusedByName() {
        assertThatThrownBy(() -> Setting.builder("query.example").type(SettingType.INT).defaultValue(1)
                .applyMode(ApplyMode.QUERY_RESTART).doc("An example.").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("query.example").hasMessageContaining("queries");
        assertThatThrownBy(() -> Setting.builder("query.example").type(SettingType.INT)
                .applyMode(ApplyMode.LIVE).affects(JobQuery.COUNTS).doc("An example.").build())
                .hasMessageContaining("query.example: default value");
    }

    @Test
    void theAggregationKeysShapeOnlyTheCountsQueryAndTheSourceKeysBoth() {
        for (Setting s : TuningKeys.ALL) {
            assertThat(s.queries()).as(s.name()).isNotEmpty();
        }
        for (Setting s : new Setting[] {TuningKeys.WATERMARK_DELAY, TuningKeys.WINDOW_DURATION, TuningKeys.DEDUPE,
                TuningKeys.PRE_AGGREGATE,
                TuningKeys.SHUFFLE_PARTITIONS}) {
            assertThat(TuningKeys.affectedQueries(s.name())).as(s.name()).containsExactly(JobQuery.COUNTS);
        }
        for (Setting s : TuningKeys.ALL) {
            if (s.name().startsWith("source.")) {
                assertThat(s.queries()).as(s.name()).isEqualTo(EnumSet.allOf(JobQuery.class));
            }
        }
        // An undeclared Spark key shapes the session, so every query.
        assertThat(TuningKeys.affectedQueries("spark.serializer")).isEqualTo(EnumSet.allOf(JobQuery.class));
    }

    @Test
    void queriesAreFoundByTheirSparkNames() {
        for (JobQuery q : JobQuery.values()) {
            assertThat(JobQuery.byQueryName(q.queryName())).contains(q);
        }
        assertThat(JobQuery.byQueryName("other")).isEmpty();
    }
}
