package io.sfcrime.bench.study;

import io.sfcrime.bench.Profiles;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScalingStudyTest {
    @Test
    void theWindowsSeriesComparesTheBestProfileOnTheOtherStateStore() {
        Profiles.Profile hdfs = new Profiles.Profile("best", "g", "d", null, null, false, false, null,
                Map.of("spark.sql.shuffle.partitions", "2"));
        Profiles.Profile rocks = ScalingStudy.withOtherStateStore(hdfs);
        assertThat(rocks.name()).isEqualTo("best+rocksdb");
        assertThat(rocks.settings()).containsEntry("spark.sql.shuffle.partitions", "2")
                .containsEntry(ScalingStudy.STATE_STORE_KEY, ScalingStudy.ROCKSDB_PROVIDER);
        Profiles.Profile back = ScalingStudy.withOtherStateStore(rocks);
        assertThat(back.name()).isEqualTo("best+rocksdb+hdfs-state");
        assertThat(back.settings()).isEqualTo(hdfs.settings());
    }
}
