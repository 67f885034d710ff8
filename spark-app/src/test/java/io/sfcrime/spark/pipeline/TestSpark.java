package io.sfcrime.spark.pipeline;

import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.Sessions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/** One local[2] session for all unit tests of the JVM: Spark start-up costs seconds, the tests milliseconds. */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            JobConfig config = new JobConfig("127.0.0.1:9", "calls", "results", "calls.dlq", Path.of("x"),
                    Path.of("target/unused-checkpoint"), true, null, null, null, 0, "local[2]");
            SparkConf conf = Sessions.conf(config, Tuning.defaults())
                    .set("spark.ui.enabled", "false")
                    .set("spark.sql.shuffle.partitions", "2");
            session = SparkSession.builder().config(conf).getOrCreate();
        }
        return session;
    }
}
