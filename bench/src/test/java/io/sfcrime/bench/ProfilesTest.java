package io.sfcrime.bench;

import io.sfcrime.common.tuning.TuningKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfilesTest {
    private static final String MINIMAL = """
            base:
              console.topN: 0
            profiles:
              - name: defaults
                role: baseline
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
    void shippedSweepFileCoversEveryGroupAndRole() {
        // Surefire runs in the module's directory.
        Path file = Path.of("profiles.yaml");
        Profiles p = Profiles.read(file);
        assertThat(p.baseline().name()).isEqualTo("spark-defaults");
        assertThat(p.baseline().settings()).containsEntry("spark.sql.shuffle.partitions", "200")
                .containsEntry("source.maxOffsetsPerTrigger", "100000");
        assertThat(p.all()).extracting(pr -> pr.settings().get("spark.sql.shuffle.partitions"))
                .contains("1", "2", "10", "200");
        assertThat(p.all()).extracting(Profiles.Profile::maxOffsetsPerTrigger)
                .contains(100_000L, 250_000L, 500_000L, 0L);
        assertThat(p.all()).extracting(pr -> pr.settings().get("spark.default.parallelism")).contains("10000");
        // Kafka's consumer defaults everywhere but in the profile that measures this project's: the base pins them.
        assertThat(p.baseline().tuning().getInt(TuningKeys.MAX_POLL_RECORDS)).isEqualTo(500);
        assertThat(p.baseline().tuning().getInt(TuningKeys.MAX_PARTITION_FETCH_BYTES)).isEqualTo(1 << 20);
        assertThat(p.all()).filteredOn(pr -> pr.tuning().getInt(TuningKeys.MAX_POLL_RECORDS)
                        == (int) TuningKeys.MAX_POLL_RECORDS.defaultValue()).extracting(Profiles.Profile::group)
                .containsExactly("Kafka consumer");
        assertThat(p.all()).anyMatch(pr -> pr.settings().getOrDefault(
                "spark.sql.streaming.stateStore.providerClass", "").contains("RocksDB"));
        assertThat(p.all()).extracting(pr -> pr.tuning().getDuration(TuningKeys.TRIGGER_INTERVAL).toSeconds())
                .contains(0L, 1L);
        // maxRatePerPartition alone: one Spark key away from the profile it is compared to, plus the opt-out that
        // lets a key Spark does not declare through spark-app's check.
        assertThat(p.find("shuffle-2-max-rate-10")).hasValueSatisfying(pr -> {
            Profiles.Profile reference = p.find(pr.compareTo()).orElseThrow();
            assertThat(pr.settings()).hasSize(reference.settings().size() + 2)
                    .containsAllEntriesOf(reference.settings())
                    .containsKey("spark.streaming.kafka.maxRatePerPartition")
                    .containsEntry("tuning.undeclaredSparkKeys", "spark.streaming.kafka.maxRatePerPartition");
        });
        assertThat(p.quick()).isNotEmpty().allMatch(pr -> pr.maxOffsetsPerTrigger() > 0);
        // CI's quick check covers both counting paths: row by row and pre-aggregated.
        assertThat(p.quick()).extracting(pr -> pr.tuning().getBoolean(TuningKeys.PRE_AGGREGATE))
                .contains(true, false);
        assertThat(p.all()).allMatch(pr -> pr.compareTo() == null || p.find(pr.compareTo()).isPresent());
        assertThat(p.all()).filteredOn(pr -> pr.role() == Profiles.Role.SHUFFLE_SWEEP).extracting(Profiles.Profile::name)
                .containsExactly("shuffle-1", "shuffle-2", "shuffle-10");
        assertThat(p.all()).filteredOn(pr -> pr.role() == Profiles.Role.ANSWER || pr.role() == Profiles.Role.NO_EFFECT)
                .isNotEmpty().allMatch(pr -> pr.report().contains("{effect}"));
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
        assertThat(p.baseline().name()).isEqualTo("defaults");
        assertThat(small.role()).isEqualTo(Profiles.Role.VARIANT);
    }

    @Test
    void rolesCarryTheReportsWords() {
        Profiles p = Profiles.parse(MINIMAL.replace("latency: true", "latency: true\n    role: no-effect\n"
                + "    report: \"`x` alone: {effect}{agreement}.\""), "test");
        assertThat(p.role("small")).isEqualTo(Profiles.Role.NO_EFFECT);
        assertThat(p.find("small").orElseThrow().report()).isEqualTo("`x` alone: {effect}{agreement}.");
        assertThat(p.role("not-a-profile")).isEqualTo(Profiles.Role.VARIANT);
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("latency: true", "role: answer"), "f"))
                .hasMessageContaining("profile 'small'").hasMessageContaining("needs the report text");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("latency: true", "role: sweeep"), "f"))
                .hasMessageContaining("f profiles[1].role").hasMessageContaining("sweeep");
    }

    @Test
    void baseValuesAreOverriddenByTheProfile() {
        Profiles p = Profiles.parse(MINIMAL.replace("console.topN: 0", "console.topN: 0\n  spark.sql.shuffle.partitions: 7"),
                "test");
        assertThat(p.find("small").orElseThrow().settings()).containsEntry("spark.sql.shuffle.partitions", "2");
        assertThat(p.find("defaults").orElseThrow().settings()).containsEntry("spark.sql.shuffle.partitions", "200");
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
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("role: baseline", "role: variant"), "f"))
                .hasMessageContaining("exactly one profile needs role baseline, found 0");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("latency: true", "role: baseline"), "f"))
                .hasMessageContaining("exactly one profile needs role baseline, found 2");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("name: small", "name: defaults"), "f"))
                .hasMessageContaining("duplicate profile name 'defaults'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("name: small", "name: ceiling"), "f"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("compare_to: defaults", "compare_to: other"), "f"))
                .hasMessageContaining("compare_to 'other'");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("latency: true", "latncy: true"), "f"))
                .hasMessageContaining("f profiles[1]: unknown key 'latncy' (expected compare_to, description, group, "
                        + "latency, name, quick, report, role, settings)");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL + "extra: 1\n", "f"))
                .hasMessageContaining("f: unknown key 'extra' (expected base, profiles)");
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("      spark.sql.shuffle.partitions: 2",
                "      spark:\n        sql.shuffle.partitions: 2"), "f"))
                .hasMessageContaining("f profiles[0].settings.spark: 'spark' needs a single value");
        assertThatThrownBy(() -> Profiles.parse("profiles: []\n", "f"))
                .hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> Profiles.parse("[1, 2]", "f")).hasMessage("f must be a mapping with base and profiles");
        assertThatThrownBy(() -> Profiles.parse("base: 'unterminated\n", "f")).hasMessageContaining("not valid YAML");
    }

    @Test
    void rejectsDedupeWhichTheCeilingCannotCheck() {
        assertThatThrownBy(() -> Profiles.parse(MINIMAL.replace("source.maxOffsetsPerTrigger: 0",
                "query.dedupe: true"), "f")).hasMessageContaining("query.dedupe");
    }
}
