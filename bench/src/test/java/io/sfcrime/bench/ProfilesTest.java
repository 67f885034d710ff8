package io.sfcrime.bench;

import io.sfcrime.common.tuning.TuningKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfilesTest {
    private static final String MINIMAL = """
            base:
              console.topN: 0
            baseline: defaults
            profiles:
              - name: defaults
                quick: true
                settings:
                  spark.sql.shuffle.partitions: 200
              - name: small
                group: shuffle partitions
                compare_to: defaults
                latency: true
                settings:
                  spark.sql.shuffle.partitions: 2
                  source.maxOffsetsPerTrigger: 0
            """;

    @Test
    void shippedSweepFileCoversTheIssuesList() {
        // Surefire runs in the module's directory.
        Path file = Path.of("profiles.yaml");
        Profiles p = Profiles.read(file);
        assertThat(p.baseline().name()).isEqualTo("spark-defaults");
        assertThat(p.baseline().settings()).containsEntry("spark.sql.shuffle.partitions", "200")
                .containsEntry("source.maxOffsetsPerTrigger", "100000");
        assertThat(p.all()).extracting(pr -> pr.settings().get("spark.sql.shuffle.partitions"))
                .contains("1", "2", "4", "10", "200");
        assertThat(p.all()).extracting(Profiles.Profile::maxOffsetsPerTrigger).contains(10_000L, 100_000L, 0L);
        assertThat(p.all()).extracting(pr -> pr.settings().get("spark.default.parallelism")).contains("2", "10000");
        assertThat(p.all()).anyMatch(pr -> pr.settings().getOrDefault(
                "spark.sql.streaming.stateStore.providerClass", "").contains("RocksDB"));
        assertThat(p.all()).extracting(pr -> pr.tuning().getDuration(TuningKeys.TRIGGER_INTERVAL).toSeconds())
                .contains(0L, 1L, 5L);
        assertThat(p.all()).anyMatch(pr -> pr.settings().getOrDefault("spark.serializer", "").contains("Kryo"));
        // maxRatePerPartition alone: exactly one key away from the profile it is compared to.
        assertThat(p.find("shuffle-2-max-rate-10")).hasValueSatisfying(pr -> {
            Profiles.Profile reference = p.find(pr.compareTo()).orElseThrow();
            assertThat(pr.settings()).hasSize(reference.settings().size() + 1)
                    .containsAllEntriesOf(reference.settings())
                    .containsKey("spark.streaming.kafka.maxRatePerPartition");
        });
        assertThat(p.quick()).isNotEmpty().allMatch(pr -> pr.maxOffsetsPerTrigger() > 0);
        assertThat(p.all()).allMatch(pr -> pr.compareTo() == null || p.find(pr.compareTo()).isPresent());
    }

    @Test
    void theWindowsSeriesComparesTheBestProfileOnTheOtherStateStore() {
        Profiles.Profile hdfs = new Profiles.Profile("best", "g", "d", false, false, null,
                Map.of("spark.sql.shuffle.partitions", "2"));
        Profiles.Profile rocks = Bench.withOtherStateStore(hdfs);
        assertThat(rocks.name()).isEqualTo("best+rocksdb");
        assertThat(rocks.settings()).containsEntry("spark.sql.shuffle.partitions", "2")
                .containsEntry(Bench.STATE_STORE_KEY, Bench.ROCKSDB_PROVIDER);
        Profiles.Profile back = Bench.withOtherStateStore(rocks);
        assertThat(back.name()).isEqualTo("best+rocksdb+hdfs-state");
        assertThat(back.settings()).isEqualTo(hdfs.settings());
    }

    @Test
    void parsesBaseBaselineAndFlags() {
        Profiles p = Profiles.parse(MINIMAL, "test");
        assertThat(p.base()).containsEntry("console.topN", "0");
        assertThat(p.all()).hasSize(2);
        Profiles.Profile small = p.find("small").orElseThrow();
        assertThat(small.settings()).containsEntry("console.topN", "0")
                .containsEntry("spark.sql.shuffle.partitions", "2");
        assertThat(small.maxOffsetsPerTrigger()).isZero();
        assertThat(small.latency()).isTrue();
        assertThat(small.quick()).isFalse();
        assertThat(small.group()).isEqualTo("shuffle partitions");
        assertThat(small.compareTo()).isEqualTo("defaults");
        assertThat(p.quick()).extracting(Profiles.Profile::name).containsExactly("defaults");
        assertThat(p.find("defaults").orElseThrow().group()).isEqualTo("other");
    }

    @Test
    void baseValuesAreOverriddenByTheProfile() {
        Profiles p = Profiles.parse(MINIMAL.replace("console.topN: 0", "console.topN: 0\n  spark.sql.shuffle.partitions: 7"),
                "test");
        assertThat(p.find("small").orElseThrow().settings()).containsEntry("spark.sql.shuffle.partitions", "2");
        assertThat(p.derive("x", "g", "d", Map.of("source.maxOffsetsPerTrigger", "5")).settings())
                .containsEntry("spark.sql.shuffle.partitions", "7").containsEntry("source.maxOffsetsPerTrigger", "5");
    }

    @Test
    void rejectsInvalidTuningValuesNamingTheProfile() {
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("partitions: 2\n", "partitions: zero\n"), "f.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile 'small'").hasMessageContaining("zero");
    }

    @Test
    void rejectsUnknownKeysWithASuggestion() {
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("source.maxOffsetsPerTrigger", "source.maxOffsetPerTrigger"),
                "f.yaml")).hasMessageContaining("did you mean 'source.maxOffsetsPerTrigger'");
    }

    @Test
    void rejectsStructuralMistakes() {
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("baseline: defaults", "baseline: nope"), "f"))
                .hasMessageContaining("baseline 'nope'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("name: small", "name: defaults"), "f"))
                .hasMessageContaining("duplicate profile name 'defaults'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("name: small", "name: ceiling"), "f"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("compare_to: defaults", "compare_to: other"), "f"))
                .hasMessageContaining("compare_to 'other'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("latency: true", "latncy: true"), "f"))
                .hasMessageContaining("unknown key 'latncy'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL + "extra: 1\n", "f"))
                .hasMessageContaining("unknown top-level key 'extra'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("      spark.sql.shuffle.partitions: 2",
                "      spark:\n        sql.shuffle.partitions: 2"), "f"))
                .hasMessageContaining("'spark' needs a single value");
        assertThatThrownBy(() -> Profiles.parse("profiles: []\nbaseline: x\n", "f"))
                .hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> Profiles.parse("[1, 2", "f")).hasMessageContaining("not valid YAML");
    }

    @Test
    void rejectsDedupeWhichTheCeilingCannotCheck() {
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("source.maxOffsetsPerTrigger: 0",
                "query.dedupe: true"), "f")).hasMessageContaining("query.dedupe");
    }
}
