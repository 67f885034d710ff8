package io.sfcrime.common.tuning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TuningFileTest {

    @Test
    void flattensNestedMappingsAndKeepsScalarTypes() {
        Map<String, Object> flat = TuningFile.parse("""
                spark:
                  sql:
                    shuffle.partitions: 4
                source.maxOffsetsPerTrigger: 1000
                query:
                  triggerInterval: 5 seconds
                  dedupe: true
                console.topN: ~
                """, "t.yaml");
        assertThat(flat).containsEntry("spark.sql.shuffle.partitions", 4L)
                .containsEntry("source.maxOffsetsPerTrigger", 1000L)
                .containsEntry("query.triggerInterval", "5 seconds")
                .containsEntry("query.dedupe", true)
                .containsEntry("console.topN", null);
        Tuning t = Tuning.fromMap(Map.of("spark.sql.shuffle.partitions", 4L, "query.dedupe", true));
        assertThat(t.getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(4);
    }

    @Test
    void aNullValueIsRejectedByTuning() {
        Map<String, Object> flat = TuningFile.parse("console.topN: ~\n", "t.yaml");
        assertThatThrownBy(() -> Tuning.fromMap(flat)).hasMessageContaining("console.topN: a value is required");
    }

    @Test
    void emptyFileIsAnEmptyMap() {
        assertThat(TuningFile.parse("", "t.yaml")).isEmpty();
        assertThat(TuningFile.parse("# only a comment\n", "t.yaml")).isEmpty();
    }

    @Test
    void rejectsNonMappingsAndBadYamlNamingTheSource() {
        assertThatThrownBy(() -> TuningFile.parse("- a\n- b\n", "list.yaml"))
                .hasMessageContaining("list.yaml").hasMessageContaining("mapping");
        assertThatThrownBy(() -> TuningFile.parse("a: [1, 2\n", "broken.yaml"))
                .hasMessageContaining("broken.yaml").hasMessageContaining("not valid YAML");
    }

    @Test
    void readsAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tuning.yaml");
        Files.writeString(file, "query.windowDuration: 30 minutes\n");
        assertThat(TuningFile.read(file)).containsEntry("query.windowDuration", "30 minutes");
        assertThatThrownBy(() -> TuningFile.read(dir.resolve("missing.yaml")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing.yaml");
    }
}
