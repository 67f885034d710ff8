package io.sfcrime.charttests.e2e;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AutoscalerStatusTest {
    @Test
    void theTargetIsReadFromTheAutoscalersJsonAndAbsentValuesAreMinusOne() {
        Map<String, String> status = Map.of("autoscaler", "{\"enabled\":true,\"mode\":\"act\",\"state\":\"Scaling\","
                + "\"target_executors\":3,\"running_executors\":1,\"min_executors\":1,\"max_executors\":3}",
                "lagging", "True");
        assertThat(AutoscalerStatus.target(status)).isEqualTo(3);
        assertThat(AutoscalerStatus.condition(status, "lagging")).isEqualTo("True");
        assertThat(AutoscalerStatus.condition(status, "ready")).isEqualTo("absent");
        assertThat(AutoscalerStatus.target(Map.of())).isEqualTo(-1);
        assertThat(AutoscalerStatus.target(Map.of("autoscaler", ""))).isEqualTo(-1);
        assertThat(AutoscalerStatus.target(Map.of("autoscaler", "{\"target_executors\":null}"))).isEqualTo(-1);
        assertThat(AutoscalerStatus.target(Map.of("autoscaler", "not json"))).isEqualTo(-1);
    }
}
