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
    void keepsScalarTypes() {
        Map<String, Object> flat = TuningFile.parse("""
                spark.sql.shuffle.partitions: 4
                source.maxOffsetsPerTrigger: 1000
                query.triggerInterval: 5 seconds
                query.dedupe: true
                console.topN: ~
                """, "t.yaml");
        assertThat(flat).containsEntry("spark.sql.shuffle.partitions", 4L)
                .containsEntry("source.maxOffsetsPerTrigger", 1000L)
                .containsEntry("query.triggerInterval", "5 seconds")
                .containsEntry("query.dedupe", true)
                .containsEntry("console.topN", null);
        Tuning t = Tuning.fromMap(flat.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        assertThat(t.getInt(TuningKeys.SHUFFLE_PARTITIONS)).isEqualTo(4);
    }

    @Test
    void aDuplicateKeyIsRejectedWithFileAndLines() {
        // YAML keeps the last value without a word: the first line would be silently ignored.
        assertThatThrownBy(() -> TuningFile.parse("""
                spark.sql.shuffle.partitions: 4
                # a comment
                query.dedupe: true
                spark.sql.shuffle.partitions: 8
                """, "conf/t.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conf/t.yaml line 4: key 'spark.sql.shuffle.partitions' is given again (first on line 1);"
                        + " YAML would keep only the last value: remove one");
    }

    @Test
    void aNestedMappingIsRejectedWithFileAndLine() {
        // It used to be flattened into spark.sql.shuffle.partitions, a key nobody wrote.
        assertThatThrownBy(() -> TuningFile.parse("""
                query.dedupe: true
                spark:
                  sql:
                    shuffle.partitions: 4
                """, "t.yaml"))
                .hasMessageStartingWith("t.yaml line 2: 'spark' holds a nested mapping; tuning keys are flat");
        assertThatThrownBy(() -> TuningFile.parse("console.topN: [1, 2]\n", "t.yaml"))
                .hasMessageStartingWith("t.yaml line 1: 'console.topN' holds a nested list");
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
        assertThatThrownBy(() -> TuningFile.parse("a: \"unclosed\n", "broken.yaml"))
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
