package io.sfcrime.spark.config;

import io.sfcrime.common.CallFields;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.tuning.Tuning;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** Builds the SparkSession from the command line and the tuning; the only place Spark confs are set. */
public final class Sessions {
    public static final String APP_NAME = "sf-crime-streaming";
    static final String DEFAULT_MASTER = "local[*]";

    private Sessions() {
    }

    /** The conf the session is built with: tuning first, then what correctness needs (not overridable). */
    public static SparkConf conf(JobConfig config, Tuning tuning) {
        // new SparkConf() reads spark.* system properties, so spark-submit's --master and --conf win over defaults.
        SparkConf conf = new SparkConf().setAppName(APP_NAME);
        if (config.master() != null) {
            conf.setMaster(config.master());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(DEFAULT_MASTER);
        }
        for (Map.Entry<String, String> e : tuning.sparkConf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        if (conf.get("spark.master").startsWith("local")) {
            // The host name resolves to loopback on these machines; bind and advertise loopback explicitly.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        // The UI keeps the last N jobs, stages, tasks and SQL executions on the driver. Spark's defaults (1000 each,
        // 100k tasks) take a continuous job hours of batches to fill, so its heap grows for hours before it levels;
        // these keep the UI useful (the last minutes of batches) at a fraction of that. Tuning may raise them.
        conf.setIfMissing("spark.ui.retainedJobs", "200");
        conf.setIfMissing("spark.ui.retainedStages", "200");
        conf.setIfMissing("spark.ui.retainedTasks", "20000");
        conf.setIfMissing("spark.sql.ui.retainedExecutions", "100");
        conf.set("spark.ui.enabled", "true");
        conf.set("spark.ui.port", String.valueOf(config.uiPort()));
        metrics(conf);
        // call_date_time is San Francisco wall-clock time; windows are computed and reported in that zone.
        conf.set("spark.sql.session.timeZone", CallFields.EVENT_TIME_ZONE);
        // Parsing and validation happen in CallScan; the window arithmetic must never throw on a row, so no ANSI mode.
        conf.set("spark.sql.ansi.enabled", "false");
        return conf;
    }

    /**
     * Prometheus text on the UI port through Spark's own metrics system: the driver's metrics (the job's source among
     * them) at {@link JobMetrics#DRIVER_PATH}, the executors' at {@link JobMetrics#EXECUTORS_PATH}, each streaming
     * query's as source {@code spark.streaming.<query>}. A fixed namespace keeps the application id out of the names.
     */
    private static void metrics(SparkConf conf) {
        conf.set("spark.metrics.namespace", JobMetrics.NAMESPACE);
        conf.set("spark.metrics.conf.*.sink.prometheusServlet.class",
                "org.apache.spark.metrics.sink.PrometheusServlet");
        conf.set("spark.metrics.conf.*.sink.prometheusServlet.path",
                JobMetrics.DRIVER_PATH.substring(0, JobMetrics.DRIVER_PATH.length() - 1));
        conf.set("spark.ui.prometheus.enabled", "true");
        conf.set("spark.sql.streaming.metricsEnabled", "true");
    }

    public static SparkSession create(JobConfig config, Tuning tuning) {
        return SparkSession.builder().config(conf(config, tuning)).getOrCreate();
    }
}
