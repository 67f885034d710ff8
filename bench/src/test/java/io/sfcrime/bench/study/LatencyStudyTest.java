package io.sfcrime.bench.study;

import io.sfcrime.bench.run.SparkProgress;
import io.sfcrime.bench.run.SparkProgressTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyStudyTest {
    @Test
    void latencyFindsTheBatchThatReadAnOffset() {
        List<SparkProgress.Batch> data = SparkProgress.parse(SparkProgressTest.lines(), "p").stream()
                .filter(b -> b.numInputRows() > 0).toList();
        assertThat(LatencyStudy.batchOf(data, 0, 0)).isZero();
        assertThat(LatencyStudy.batchOf(data, 0, 49_999)).isZero();
        assertThat(LatencyStudy.batchOf(data, 0, 50_000)).isEqualTo(1);
        assertThat(LatencyStudy.batchOf(data, 1, 204_999)).isEqualTo(4);
        assertThat(LatencyStudy.batchOf(data, 1, 205_000)).isEqualTo(-1);
        assertThat(LatencyStudy.batchOf(data, 7, 1)).isEqualTo(-1);
    }
}
