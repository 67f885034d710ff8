package io.sfcrime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsTest {
    /** The committed results files and the report's fixture: reports must render from every one of them. */
    private static List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("results"))) {
            s.filter(f -> f.toString().endsWith(".json")).forEach(files::add);
        }
        files.add(Path.of("src/test/resources/results-fixture.json"));
        return files;
    }

    @Test
    void everyResultsFileReadsIntoTypedPartsAndWritesBackTheSameJson(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        for (Path f : files()) {
            Results.File read = Results.read(f);
            Path copy = dir.resolve(f.getFileName());
            Results.write(read, copy);
            JsonNode before = Results.MAPPER.readTree(f.toFile());
            JsonNode after = Results.MAPPER.readTree(copy.toFile());
            assertThat(after).as(f.toString()).isEqualTo(before);
        }
    }

    @Test
    void aRepetitionIsOkExactlyWhenItHasNoErrorAndItsPartsAreNeverNull() throws IOException {
        for (Path f : files()) {
            for (Results.Run run : Results.read(f).runs()) {
                for (Results.Repetition r : run.repetitions()) {
                    assertThat(r.ok()).isEqualTo(r.error() == null);
                    assertThat(List.of(r.rate(), r.memory(), r.batches(), r.counts())).doesNotContainNull();
                }
                assertThat(run.valid()).isEqualTo(run.repetitions().stream().allMatch(Results.Repetition::ok));
            }
        }
    }

    @Test
    void aRunIsTheMedianOfItsRepetitionsAndInvalidWhenOneFailed() {
        List<Results.Repetition> reps = List.of(rep(1, null, 100), rep(2, null, 300), rep(3, null, 200));
        Results.Run run = Results.Run.of("p", "spark", "g", "d", null, 100_000L, java.util.Map.of(), reps);
        assertThat(run.rowsPerSecond()).isEqualTo(200.0);
        assertThat(run.rowsPerSecondMin()).isEqualTo(100.0);
        assertThat(run.rowsPerSecondMax()).isEqualTo(300.0);
        assertThat(run.valid()).isTrue();
        Results.Run bad = Results.Run.of("p", "spark", "g", "d", null, 100_000L, java.util.Map.of(),
                List.of(rep(1, null, 100), rep(2, "counts differ", 900)));
        assertThat(bad.valid()).isFalse();
        assertThat(bad.invalidReason()).isEqualTo("r2: counts differ");
        assertThat(bad.rowsPerSecond()).isEqualTo(100.0);
        assertThat(Results.Run.of("p", "spark", "g", "d", null, null, java.util.Map.of(), List.of()).invalidReason())
                .isEqualTo("not run");
    }

    private static Results.Repetition rep(int index, String error, double rate) {
        return new Results.Repetition(index, error, "log", Results.Rate.of(1000, rate, rate, 1, 2, 0.5),
                Results.Memory.of(100, 50), Results.Batches.NONE, Results.Counts.NONE);
    }
}
