package io.sfcrime.bench.floor;

import io.sfcrime.bench.Results;
import io.sfcrime.bench.Stats;
import io.sfcrime.common.scan.CallScanner;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.common.tuning.Tuning;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.length;

/**
 * The floor of Spark's own machinery for this job: a streaming query over the topic with the job's source (Spark's
 * Kafka source, the same micro-batch size, every Spark core) and no work of ours, written to Spark's {@code noop}
 * sink. Floors of two kinds, drained one after the other in one JVM, each at its own batch size:
 * <ul>
 *   <li>{@code read}: each record becomes a Spark row and its value's length is taken — what any query over the
 *   topic pays before it does anything;</li>
 *   <li>{@code read-scan}: the same plus common's {@link CallScanner} over each value (the parse and validation
 *   spark-app and the ceiling run), keeping the valid records — what the job pays before it counts.</li>
 * </ul>
 * The rate of each is the median of its batches' {@code processedRowsPerSecond} after the first (code generation,
 * class loading, JIT), as the sweep rates Spark's profiles. spark-app cannot beat these on the same cores, and it
 * reads the topic twice (the counts and the dead letters).
 */
@Command(name = "bench-spark-floor", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Drains a topic with Spark's Kafka source into the noop sink, without and with the job's "
                + "record scan, and writes the rates.")
public final class SparkFloorMain implements Callable<Integer> {
    /** One floor: records read, batches with data, their median rate after the first, and the drain. */
    public record Floor(String name, long records, int batches, double rowsPerSecondAfterWarmup, double seconds) {
    }

    /** The --timing-json. */
    public record Timing(List<Floor> floors) {
    }

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "Topic to drain from its beginning.")
    String topic;

    @Option(names = "--floor", required = true, description = "A floor to drain, NAME:WORK:RECORDS_PER_BATCH with "
            + "WORK read or read-scan; repeatable, drained in order, each from the topic's beginning.")
    List<String> floorSpecs;

    @Option(names = "--work-dir", required = true, description = "Checkpoints go here.")
    Path workDir;

    @Option(names = "--timing-json", required = true, description = "Where to write the floors' rates.")
    Path timingJson;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkFloorMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("bench-spark-floor").master("local[*]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .getOrCreate();
        try {
            // One unrecorded drain first: the first floor would otherwise pay for this JVM's class loading and JIT
            // beyond its first batch, and read slower than the floors after it.
            drain(spark, "warm-up", true, 500_000);
            List<Floor> floors = new ArrayList<>();
            for (String spec : floorSpecs) {
                String[] f = spec.split(":");
                if (f.length != 3 || !List.of("read", "read-scan").contains(f[1])) {
                    throw new IllegalArgumentException("--floor " + spec + ": expected NAME:read|read-scan:RECORDS");
                }
                floors.add(drain(spark, f[0], f[1].equals("read-scan"), Long.parseLong(f[2])));
            }
            Results.MAPPER.writeValue(timingJson.toFile(), new Timing(floors));
            return 0;
        } finally {
            spark.stop();
        }
    }

    private Floor drain(SparkSession spark, String name, boolean scan, long maxOffsets) throws Exception {
        Dataset<Row> kafka = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", maxOffsets)
                // The consumer settings of the job's default tuning (larger polls and fetches than Kafka's): the
                // floor is the most Spark's source can read, so it gets the best consumer settings known.
                .options(Tuning.defaults().kafkaConsumerOptions())
                .load();
        // length(value) makes every row's value be read; the noop sink then drops the rows.
        Dataset<Row> out = scan ? kafka.where(valid().apply(col("value"))).select(length(col("value")))
                : kafka.select(length(col("value")));
        long t0 = System.nanoTime();
        StreamingQuery q = out.writeStream().format("noop").queryName("floor-" + name)
                .option("checkpointLocation", workDir.resolve(name).toString())
                .trigger(Trigger.AvailableNow()).start();
        q.awaitTermination();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Double> rates = new ArrayList<>();
        double first = Double.NaN;
        long records = 0;
        int batches = 0;
        for (StreamingQueryProgress p : q.recentProgress()) {
            if (p.numInputRows() == 0) {
                continue;
            }
            records += p.numInputRows();
            if (batches++ > 0) {
                rates.add(p.processedRowsPerSecond());
            } else {
                first = p.processedRowsPerSecond();
            }
        }
        if (rates.isEmpty()) {
            rates.add(first); // one batch in all (a small input): its rate, warm-up included
        }
        System.err.printf("floor %s: %d records in %d batches, %.2f s, %.0f rows/s after the first batch%n", name,
                records, batches, seconds, Stats.median(rates));
        return new Floor(name, records, batches, Stats.median(rates), seconds);
    }

    /** A scanner keeps buffers between records; each Spark task runs on one thread. Static: never serialized. */
    private static final ThreadLocal<CallScanner> SCANNER = ThreadLocal.withInitial(CallScanner::new);
    private static final EventTimeRange RANGE = EventTimeRange.defaults();

    /** The scan's verdict at the wall clock: valid or not, nothing built. */
    private static UserDefinedFunction valid() {
        return org.apache.spark.sql.functions.udf((UDF1<byte[], Boolean>) value -> value != null
                && SCANNER.get().scan(value, value.length, RANGE, System.currentTimeMillis())
                == null, DataTypes.BooleanType);
    }
}
