package io.sfcrime.spark.query;

import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.scan.EventTimeRange;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.pipeline.CallValidation;
import io.sfcrime.spark.pipeline.KafkaSource;
import io.sfcrime.spark.pipeline.PartialCounts;
import io.sfcrime.spark.pipeline.RadioCodeJoin;
import io.sfcrime.spark.pipeline.WindowCounts;
import io.sfcrime.spark.sink.DeadLetterTarget;
import io.sfcrime.spark.sink.ResultsSink;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The job's query: Kafka → validate (invalid records → dead-letter topic) → window and count → radio-code join →
 * results topic. The dead letters are written from the scan's tasks ({@link DeadLetterTarget}) so the topic is read
 * once: a query has one sink, and a second query only for them read every record again.
 */
final class CountsQuery {
    private CountsQuery() {
    }

    /** {@code query.preAggregate}, which {@code query.dedupe} overrides: it needs each record's crime_id. */
    static boolean preAggregates(Tuning tuning) {
        return tuning.getBoolean(TuningKeys.PRE_AGGREGATE) && !tuning.getBoolean(TuningKeys.DEDUPE);
    }

    static StreamingQuery start(SparkSession spark, JobConfig config, Tuning tuning, RadioCodes radioCodes,
                                ResultsSink sink, DeadLetterTarget deadLetters, Trigger trigger)
            throws TimeoutException {
        Duration window = tuning.getDuration(TuningKeys.WINDOW_DURATION);
        // Read the input topic, batch by batch as the source.* keys say.
        Dataset<Row> calls = KafkaSource.read(spark, config, tuning);
        Duration watermarkDelay = tuning.getDuration(TuningKeys.WATERMARK_DELAY);
        boolean dedupe = tuning.getBoolean(TuningKeys.DEDUPE);
        Dataset<Row> counted;
        if (preAggregates(tuning)) {
            // Parse, validate and count each Kafka partition's records in one pass, sending the invalid ones to the
            // dead-letter topic; the aggregation sums the counts.
            counted = WindowCounts.sumPartials(
                    PartialCounts.count(calls, EventTimeRange.of(tuning), window, deadLetters), watermarkDelay);
        } else {
            // Parse and validate each record once; invalid rows go to the dead-letter topic and, with their reason,
            // on to the counters.
            Dataset<Row> validated = CallValidation.validate(calls, EventTimeRange.of(tuning), deadLetters);
            // query.dedupe reads the records twice, its valid rows in one branch and the invalid ones in another: the
            // valid rows' branch gets a validation that writes no dead letters, or each would be written twice.
            Dataset<Row> validatedAgain = dedupe ? CallValidation.validate(calls, EventTimeRange.of(tuning)) : validated;
            // Count per window (and per reason for invalid rows) in one aggregation; the watermark evicts old windows.
            counted = WindowCounts.countCalls(validated, validatedAgain, window, watermarkDelay, dedupe);
        }
        // Describe each disposition code from the static radio-code table.
        Dataset<Row> described = RadioCodeJoin.describe(counted, RadioCodeJoin.table(spark, radioCodes), window);
        // Write every updated count to the results topic and the top ones to the console.
        return described.writeStream()
                .queryName(JobQuery.COUNTS.queryName())
                .outputMode(OutputMode.Update())
                .option("checkpointLocation", config.queryCheckpoint(JobQuery.COUNTS).toString())
                .trigger(trigger)
                .foreachBatch(sink)
                .start();
    }
}
