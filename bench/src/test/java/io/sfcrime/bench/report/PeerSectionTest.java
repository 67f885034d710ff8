package io.sfcrime.bench.report;

import io.sfcrime.bench.Profiles;
import io.sfcrime.bench.Results;
import io.sfcrime.bench.Results.LatencyPoint;
import io.sfcrime.bench.Results.Repetition;
import io.sfcrime.bench.Results.Run;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The peer's section, rendered from the fixture plus a Kafka Streams run: its numbers come from the results. */
class PeerSectionTest {
    private static final Profiles PROFILES = Profiles.read(Path.of("profiles.yaml"));

    private static Results.File fixture() throws URISyntaxException {
        return Results.read(Path.of(PeerSectionTest.class.getResource("/results-fixture.json").toURI()));
    }

    private static Results.File withPeer(Results.File f) {
        List<Run> runs = new ArrayList<>(f.runs());
        runs.add(Run.of("kafka-streams", "kafka-streams", "kafka-streams", "peer", null, null, Map.of(), List.of(
                new Repetition(1, null, "log", Results.Rate.of(1_000_000, 50_000, 40_000, 25, 30, 16),
                        Results.Memory.of(700, 400), Results.Batches.NONE, new Results.Counts(14_000L, 0L, true,
                        List.of())))));
        List<LatencyPoint> latency = new ArrayList<>(f.latency());
        latency.add(new LatencyPoint("kafka-streams", 2000, 1990, 80_000, 40.0, 120.0, 200.0, 300.0, null, true,
                null));
        latency.add(new LatencyPoint("kafka-streams", 10000, 9900, 400_000, 60.0, 160.0, 260.0, 400.0, null, true,
                null));
        return new Results.File(f.started(), f.finished(), f.machine(), f.config(), runs, latency, f.scaling(),
                f.notes(), f.cpuProfiles(), f.operatorBreakdowns());
    }

    @Test
    void sideBySideWithTheBestSparkProfileAtEachRate() throws URISyntaxException {
        String md = new ReportWriter(withPeer(fixture()), PROFILES, "fixture.json").render(null);
        assertThat(md).contains("## Kafka Streams as a peer")
                .contains("| `kafka-streams` | 50,000 | 40,000 | 25.0 | 0.25× |")
                // The fastest valid Spark profile of the fixture, at any batch size.
                .contains("| `shuffle-2-batch-unlimited` | 99,000 |")
                // Per rate, the Spark profile with the lowest p95 there: shuffle-2 beats the defaults at 2,000/s.
                .contains("| 2,000 | 40 / 120 / 200 | yes | `shuffle-2` |")
                .contains("| 10,000 | 60 / 160 / 260 | yes | `shuffle-2` |")
                .contains("runs at 1.98× the peer's rate after warm-up (99,000 vs 50,000 rows/s)")
                .contains("2,000 rows/s: p95 650 ms vs 120 ms (5.42×)");
    }

    @Test
    void absentWhenThePeerDidNotRun() throws URISyntaxException {
        assertThat(new ReportWriter(fixture(), PROFILES, "fixture.json").render(null))
                .doesNotContain("Kafka Streams as a peer");
    }
}
