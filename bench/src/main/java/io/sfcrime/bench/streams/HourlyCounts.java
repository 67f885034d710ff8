package io.sfcrime.bench.streams;

import io.sfcrime.common.Invalid;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.scan.CallScanner;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;

/**
 * The job's hourly counts as a Kafka Streams topology, what a Kafka Streams user would write for it:
 * <ol>
 *   <li>scan each input value with common's {@link CallScanner} (the job's and the ceiling's reading, so the same
 *   records are invalid for the same reasons); a valid record becomes two keys, (window, crime type) and (window,
 *   crime type, disposition), its window assigned exactly as the ceiling's {@code CallCounter} does (epoch-aligned
 *   tumbling windows over the San Francisco event instant); an invalid one becomes one key, its reason;</li>
 *   <li>repartition by that key (the shuffle: both input partitions hold every key);</li>
 *   <li>count per key in a key-value store, remembering which input record last changed it;</li>
 *   <li>describe the disposition from the radio-code table and write each updated count to the results topic.</li>
 * </ol>
 * The window is part of the key of a plain key-value aggregation rather than a {@code windowedBy} window store:
 * Kafka Streams drops a record once stream time passes its window's end plus the grace period, per task, which on
 * shuffled event times would drop records that Spark's global watermark (one day by default) keeps. Keyed by
 * window start nothing is dropped, like the ceiling, so the counts must equal the ceiling's exactly.
 * <p>
 * The radio-code description is joined from the static table in memory, not from a GlobalKTable: the table is the
 * same 100-row file the job broadcasts, it never changes during a run, and a GlobalKTable can only be joined to a
 * stream (the updates), one store lookup per update, for the same answer at more cost.
 */
public final class HourlyCounts {
    /** The count store: in memory with a changelog, the counterpart of Spark's HDFS-backed state store. */
    public static final String STORE = "hourly-counts";
    /** The repartition step's name; its topic is {@code <application.id>-by-key-repartition}. */
    public static final String REPARTITION = "by-key";

    private HourlyCounts() {
    }

    public static String repartitionTopic(String applicationId) {
        return applicationId + "-" + REPARTITION + "-repartition";
    }

    public static Topology build(String input, String results, Duration window, RadioCodes radioCodes,
                                 Progress progress) {
        long windowMillis = window.toMillis();
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be longer than 0, got " + window);
        }
        StreamsBuilder b = new StreamsBuilder();
        b.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("calls"))
                .process(() -> new Scan(windowMillis, progress), Named.as("scan"))
                .repartition(Repartitioned.with(CountKey.serde(), Serdes.Long()).withName(REPARTITION))
                .processValues(() -> new Arrived(progress), Named.as("arrived"))
                .groupByKey(Grouped.with(CountKey.serde(), Serdes.Long()))
                .aggregate(() -> Tally.ZERO, (key, source, tally) -> tally.plus(source),
                        Named.as("count"), Materialized.<CountKey, Tally>as(Stores.inMemoryKeyValueStore(STORE))
                                .withKeySerde(CountKey.serde()).withValueSerde(Tally.serde()))
                .toStream(Named.as("updates"))
                .map((key, tally) -> KeyValue.pair(ResultRow.key(key), ResultRow.of(key, tally, windowMillis,
                        radioCodes).toJson()), Named.as("describe"))
                .to(results, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("results"));
        return b.build();
    }

    /** Step 1: one scanner per task (it is not thread-safe and reuses its buffers). */
    static final class Scan implements Processor<byte[], byte[], CountKey, Long> {
        private final CallScanner scanner = new CallScanner();
        private final long windowMillis;
        private final Progress progress;
        private ProcessorContext<CountKey, Long> context;

        Scan(long windowMillis, Progress progress) {
            this.windowMillis = windowMillis;
            this.progress = progress;
        }

        @Override
        public void init(ProcessorContext<CountKey, Long> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> r) {
            long source = context.recordMetadata().map(m -> Tally.Source.encode(m.partition(), m.offset()))
                    .orElse(-1L);
            Invalid why = scanner.scan(r.value());
            progress.scannedOne(why == null);
            if (why != null) {
                context.forward(new Record<>(new CountKey(CountKey.INVALID, 0, why.code(), null), source,
                        r.timestamp()));
                return;
            }
            long event = scanner.eventMillis();
            long start = event - Math.floorMod(event, windowMillis);
            String type = scanner.crimeType();
            context.forward(new Record<>(new CountKey(CountKey.BY_TYPE, start, type, null), source, r.timestamp()));
            context.forward(new Record<>(new CountKey(CountKey.BY_DISPOSITION, start, type, scanner.disposition()),
                    source, r.timestamp()));
        }
    }

    /** Between the repartition topic and the aggregation: counts what arrived, and where it was read from. */
    static final class Arrived implements FixedKeyProcessor<CountKey, Long, Long> {
        private final Progress progress;
        private FixedKeyProcessorContext<CountKey, Long> context;

        Arrived(Progress progress) {
            this.progress = progress;
        }

        @Override
        public void init(FixedKeyProcessorContext<CountKey, Long> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<CountKey, Long> r) {
            context.recordMetadata().ifPresent(m -> progress.aggregatedOne(m.partition(), m.offset()));
            context.forward(r);
        }
    }
}
