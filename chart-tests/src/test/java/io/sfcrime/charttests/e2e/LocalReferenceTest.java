package io.sfcrime.charttests.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LocalReferenceTest {
    @TempDir
    Path dir;

    @Test
    void reportsAreComparedFieldByFieldAndAnEmptyOneIsNoMatch() throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "{\"input_rows\": 3, \"by_window_crime_type\": [{\"count\": 3}]}");
        Path b = Files.writeString(dir.resolve("b.json"), "{\"input_rows\": 3, \"by_window_crime_type\": [{\"count\": 2}]}");
        Path zero = Files.writeString(dir.resolve("z.json"), "{\"input_rows\": 0}");
        assertThat(LocalReference.differences(a, a)).isEmpty();
        assertThat(LocalReference.differences(a, b)).singleElement().asString()
                .startsWith("by_window_crime_type: cluster=1 entries").contains("local=1 entries");
        assertThat(LocalReference.differences(zero, zero)).containsExactly("input_rows: 0 (nothing was counted)");
    }
}
