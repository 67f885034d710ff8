package io.sfcrime.common.gen;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.scan.ReferenceVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateMainTest {

    @Test
    void helpAndBadFlags() {
        assertThat(GenerateMain.run(new String[] {"--help"})).isZero();
        assertThat(GenerateMain.run(new String[] {"--count", "ten"})).isEqualTo(2);
        assertThat(GenerateMain.run(new String[] {"--order", "sideways"})).isEqualTo(2);
        assertThat(GenerateMain.run(new String[] {"--nope", "1"})).isEqualTo(2);
        assertThat(GenerateMain.run(new String[] {"--count"})).isEqualTo(2);
    }

    @Test
    void writesTheFileAndTheExpectedReasons(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("calls.ndjson");
        Path expected = dir.resolve("calls.expected.tsv");
        int rc = GenerateMain.run(new String[] {"--count", "1000", "--seed", "9", "--format", "ndjson",
                "--invalid-fraction=0.05", "--order", "oldest-first", "--out", out.toString(),
                "--expected", expected.toString()});
        assertThat(rc).isZero();
        List<byte[]> lines = CallGeneratorTest.lines(Files.readAllBytes(out));
        assertThat(lines).hasSize(1000);

        List<String> fromFile = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String reason = ReferenceVerdict.reason(lines.get(i));
            if (reason != null) {
                fromFile.add(i + "\t" + reason);
            }
        }
        List<String> sidecar = Files.readAllLines(expected).stream().filter(l -> !l.startsWith("#"))
                .map(l -> l.substring(0, l.lastIndexOf('\t'))).toList();
        assertThat(sidecar).hasSize(50).isEqualTo(fromFile);

        // Same flags, same bytes: the CLI is as deterministic as the library.
        Path again = dir.resolve("again.ndjson");
        GenerateMain.run(new String[] {"--count", "1000", "--seed", "9", "--format", "ndjson",
                "--invalid-fraction=0.05", "--order", "oldest-first", "--out", again.toString()});
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void startAndSpanHoursBoundEventTimes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("calls.json");
        assertThat(GenerateMain.run(new String[] {"--count", "500", "--start", "2020-06-01T08:00",
                "--span-hours", "2", "--out", out.toString()})).isZero();
        JsonNode root = Json.MAPPER.readTree(out.toFile());
        assertThat(root.get(0).get("call_date_time").asText()).startsWith("2020-06-01T09:5");
        assertThat(root.get(499).get("call_date_time").asText()).isEqualTo("2020-06-01T08:00:00.000");
    }

    @Test
    void committedSampleIsReproducedByTheDocumentedCommand(@TempDir Path dir) throws IOException {
        Path root = Path.of(System.getProperty("project.root", ".."));
        Path sample = root.resolve("data/police-department-calls-for-service.json");
        Path out = dir.resolve("sample.json");
        assertThat(GenerateMain.run(new String[] {"--count", "2000", "--seed", "20181231", "--format", "array",
                "--order", "newest-first", "--start", "2018-12-31T16:00", "--span-hours", "8",
                "--out", out.toString()})).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(sample));
        assertThat(Files.size(sample)).isLessThan(1_500_000);
    }
}
