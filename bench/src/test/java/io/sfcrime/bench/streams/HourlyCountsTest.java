package io.sfcrime.bench.streams;

import io.sfcrime.bench.ceiling.CallCounter;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.common.report.CountsReport;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The peer's topology in Kafka Streams' own test driver (the real runtime, one thread, no broker): its final
 * counts against the ceiling's {@link CallCounter} on shuffled records with every kind of invalid one, and one
 * result row per update naming the input record it was emitted for (what the latency study relies on).
 */
class HourlyCountsTest {
    private static final RadioCodes CODES = RadioCodes.of(Map.of("ADV", "Advised", "HAN", "Handled",
            "CIT", "Cited or Booked"));

    @TempDir
    Path state;

    @Test
    void finalCountsEqualTheCeilingsAndEveryUpdateNamesItsRecord() {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(4_000).withSeed(7)
                .withOrder(CallGenerator.Order.SHUFFLED).withFormat(CallGenerator.Format.NDJSON)
                .withInvalidFraction(0.05).withWindows(40));
        List<byte[]> records = new ArrayList<>();
        for (long i = 0; i < gen.options().count(); i++) {
            records.add(gen.recordBytes(i));
        }
        records.add(null); // a tombstone: invalid (not an object), as for the job
        records.add("{\"crime_id\": 1".getBytes(StandardCharsets.UTF_8));
        CallCounter ceiling = new CallCounter(Duration.ofHours(1), Duration.ofDays(3650), CODES);
        records.forEach(ceiling::accept);

        Progress progress = new Progress(0);
        Map<ByteBuffer, ResultRow> last = new LinkedHashMap<>();
        Map<Long, Integer> rowsPerInput = new HashMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(HourlyCounts.build("in", "out", Duration.ofHours(1),
                CODES, progress), props())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(),
                    new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("out", new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            records.forEach(in::pipeInput);
            for (KeyValue<byte[], byte[]> kv : out.readKeyValuesToList()) {
                ResultRow row = ResultRow.parse(kv.value);
                last.put(ByteBuffer.wrap(kv.key), row);
                rowsPerInput.merge(row.sourceOffset(), 1, Integer::sum);
            }
        }
        CountsReport expected = ceiling.report();
        CountsReport actual = ResultRow.fold(new ArrayList<>(last.values()));
        assertThat(expected.invalidRows()).isEqualTo(gen.invalidCount() + 2);
        assertThat(expected.byDisposition()).hasSizeGreaterThan(100);
        assertThat(expected.differences(actual, 20)).isEmpty();
        assertThat(progress.scanned()).isEqualTo(records.size());
        assertThat(progress.aggregatedAllScanned()).isTrue();
        // With the cache off every update is a row: two per valid record (its two levels), one per invalid one.
        assertThat(rowsPerInput).hasSize(records.size());
        assertThat(rowsPerInput.values().stream().mapToLong(Integer::longValue).sum())
                .isEqualTo(2 * expected.validRows() + expected.invalidRows());
    }

    private Properties props() {
        return PeerSettings.of("peer-test", "unused:9092", state, PeerSettings.Mode.LATENCY);
    }
}
