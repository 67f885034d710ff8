package io.sfcrime.bench.ceiling;

import io.sfcrime.bench.Results;
import io.sfcrime.bench.Stats;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.report.CountsReport;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningFile;
import io.sfcrime.common.tuning.TuningKeys;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The benchmark's ceiling as its own process (so its memory and JIT are measured like Spark's): one thread, one
 * {@code KafkaConsumer}, the whole job's work, as fast as it goes. Writes the counts in spark-app's report format
 * and a timing JSON.
 */
@Command(name = "bench-ceiling", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drains a topic from the beginning with one thread doing the job's work (parse, validate, "
                + "window x crime type x disposition counts, radio-code join) and reports counts and speed.")
public final class CeilingMain implements Callable<Integer> {
    /**
     * The --timing-json: records and bytes drained, the rate over the whole drain and the median of the chunks'
     * rates after the first (class loading, JIT), and what the counter saw.
     */
    public record Timing(long records, long bytes, double seconds, double rowsPerSecondOverall,
                         double rowsPerSecondMedianAfterWarmup, int chunkRecords, List<Double> chunkRates, long valid,
                         long invalid, long lateHazard, long distinctKeys, Map<String, Long> invalidByReason) {
    }

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "Topic to drain from its beginning.")
    String topic;

    @Option(names = "--radio-codes", required = true, description = "radio_code.json for the disposition join.")
    Path radioCodes;

    @Option(names = "--tuning", description = "Tuning YAML: query.windowDuration and query.watermarkDelay apply.")
    Path tuning;

    @Option(names = "--report", required = true, description = "Where to write the counts (spark-app's format).")
    Path report;

    @Option(names = "--timing-json", required = true, description = "Where to write records, seconds and rates.")
    Path timingJson;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CeilingMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Tuning t = tuning == null ? Tuning.defaults() : Tuning.fromMap(TuningFile.read(tuning));
        if (t.getBoolean(TuningKeys.DEDUPE)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "query.dedupe=true is not modelled by the ceiling; benchmark profiles must leave it off");
        }
        CallCounter counter = new CallCounter(t.getDuration(TuningKeys.WINDOW_DURATION),
                t.getDuration(TuningKeys.WATERMARK_DELAY), RadioCodes.load(radioCodes));
        Ceiling.Timing timing;
        try (KafkaConsumer<byte[], byte[]> consumer = CeilingClients.newConsumer(bootstrap)) {
            timing = Ceiling.drain(consumer, topic, counter);
        }
        CountsReport counts = counter.report();
        counts.write(report);
        List<Double> rates = timing.chunkRates();
        List<Double> steady = rates.size() > 1 ? rates.subList(1, rates.size()) : rates;
        // Too few records for two chunks: the whole drain is the only honest number.
        double median = steady.isEmpty() ? timing.rowsPerSecond() : Stats.median(steady);
        Files.createDirectories(timingJson.toAbsolutePath().getParent());
        Results.MAPPER.writeValue(timingJson.toFile(), new Timing(timing.records(), timing.bytes(),
                timing.nanos() / 1e9, timing.rowsPerSecond(), median, timing.chunk(), rates, counts.validRows(),
                counts.invalidRows(), counter.lateHazard(), counter.distinctKeys(), counts.invalidByReason()));
        System.err.printf("ceiling: %d records (%d valid, %d invalid) in %.2f s: %.0f rows/s overall, %.0f median%n",
                timing.records(), counts.validRows(), counts.invalidRows(), timing.nanos() / 1e9,
                timing.rowsPerSecond(), median);
        return 0;
    }
}
