package io.sfcrime.common.tuning;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TuningDocsTest {
    @Test
    void shippedTuningFileParsesBackToTheDefaults() {
        Map<String, Object> raw = TuningFile.parse(TuningDocs.tuningYaml(), "generated");
        assertThat(raw.keySet()).containsExactlyElementsOf(TuningKeys.ALL.stream().map(Setting::name).toList());
        assertThat(Tuning.fromMap(raw)).isEqualTo(Tuning.defaults());
    }
}
