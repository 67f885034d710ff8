package io.sfcrime.bench.ceiling;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.bench.Results;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CeilingMainTest {
    @Test
    void theTimingFileReadsBackAsWrittenUnderTheFieldNamesTheHarnessReads() throws Exception {
        CeilingMain.Timing t = new CeilingMain.Timing(20_000, 8_200_000, 2.5, 8_000, 9_500, 1_000,
                List.of(7_000.0, 9_500.0), 19_600, 400, 0, 5_269, Map.of("malformed_json", 400L));
        String json = Results.MAPPER.writeValueAsString(t);
        JsonNode tree = Results.MAPPER.readTree(json);
        assertThat(tree.path("rows_per_second_median_after_warmup").asDouble()).isEqualTo(9_500);
        assertThat(tree.path("late_hazard").asLong()).isZero();
        assertThat(tree.path("invalid_by_reason").path("malformed_json").asLong()).isEqualTo(400);
        assertThat(Results.MAPPER.readValue(json, CeilingMain.Timing.class)).isEqualTo(t);
    }
}
