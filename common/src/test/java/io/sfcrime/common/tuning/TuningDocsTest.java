package io.sfcrime.common.tuning;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TuningDocsTest {
    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    @Test
    void committedTuningFileIsGeneratedFromTheDeclarations() throws Exception {
        assertThat(Files.readString(ROOT.resolve(TuningDocs.TUNING_FILE)))
                .as("conf/tuning.yaml is stale: run `make docs`")
                .isEqualTo(TuningDocs.tuningYaml());
    }

    @Test
    void committedReferenceIsGeneratedFromTheDeclarations() throws Exception {
        assertThat(Files.readString(ROOT.resolve(TuningDocs.REFERENCE_FILE)))
                .as("docs/tuning.md is stale: run `make docs`")
                .isEqualTo(TuningDocs.referenceMarkdown());
    }

    @Test
    void shippedTuningFileParsesBackToTheDefaults() {
        Map<String, Object> raw = TuningFile.parse(TuningDocs.tuningYaml(), "generated");
        assertThat(raw.keySet()).containsExactlyElementsOf(TuningKeys.ALL.stream().map(Setting::name).toList());
        assertThat(Tuning.fromMap(raw)).isEqualTo(Tuning.defaults());
    }
}
