package io.sfcrime.spark.config;

import io.sfcrime.common.tuning.SparkKeys;
import io.sfcrime.common.tuning.TuningKeys;
import org.apache.spark.internal.config.ConfigEntry$;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code spark.*} keys Spark 3.5 itself declares, from its own config registry: every {@code ConfigEntry} Spark
 * builds registers itself by key ({@code ConfigEntry.findEntry}). Entries are built when the object declaring them
 * is first loaded, so the declaring objects of the modules the job runs with (core, SQL, Kubernetes, the Kafka
 * source) are loaded here first. A misspelt key such as {@code spark.sql.shufle.partitions} would otherwise run with
 * Spark's default and exit 0.
 */
public final class SparkConfRegistry implements SparkKeys {
    public static final SparkConfRegistry INSTANCE = new SparkConfRegistry();

    /** Scala objects whose initialisation registers Spark's config entries. */
    private static final List<String> DECLARING_OBJECTS = List.of(
            "org.apache.spark.internal.config.package$", "org.apache.spark.internal.config.Deploy$",
            "org.apache.spark.internal.config.History$", "org.apache.spark.internal.config.Kryo$",
            "org.apache.spark.internal.config.Network$", "org.apache.spark.internal.config.Python$",
            "org.apache.spark.internal.config.R$", "org.apache.spark.internal.config.Status$",
            "org.apache.spark.internal.config.Streaming$", "org.apache.spark.internal.config.UI$",
            "org.apache.spark.internal.config.Worker$", "org.apache.spark.sql.internal.SQLConf$",
            "org.apache.spark.sql.internal.StaticSQLConf$", "org.apache.spark.deploy.k8s.Config$",
            "org.apache.spark.sql.kafka010.package$");

    /** Keys Spark reads by name without a registry entry. */
    private static final Set<String> READ_BY_NAME = Set.of("spark.master", "spark.app.name", "spark.app.id",
            "spark.default.parallelism", "spark.local.dir");

    /** Families Spark reads by prefix: any key under these is Spark's. */
    private static final List<String> READ_BY_PREFIX = List.of("spark.hadoop.", "spark.executorEnv.",
            "spark.kubernetes.driverEnv.", "spark.kubernetes.driver.label.", "spark.kubernetes.driver.annotation.",
            "spark.kubernetes.driver.service.label.", "spark.kubernetes.driver.service.annotation.",
            "spark.kubernetes.executor.label.", "spark.kubernetes.executor.annotation.",
            "spark.kubernetes.driver.secrets.", "spark.kubernetes.executor.secrets.",
            "spark.kubernetes.driver.secretKeyRef.", "spark.kubernetes.executor.secretKeyRef.",
            "spark.kubernetes.driver.volumes.", "spark.kubernetes.executor.volumes.", "spark.sql.catalog.",
            "spark.sql.streaming.stateStore.rocksdb.", "spark.driver.resource.", "spark.executor.resource.",
            "spark.metrics.conf.", "spark.kafka.clusters.");

    private volatile boolean loaded;

    private SparkConfRegistry() {
    }

    @Override
    public String problem(String key) {
        if (READ_BY_NAME.contains(key) || READ_BY_PREFIX.stream().anyMatch(key::startsWith)) {
            return null;
        }
        load();
        if (ConfigEntry$.MODULE$.findEntry(key) != null) {
            return null;
        }
        List<String> known = new ArrayList<>(ConfigEntry$.MODULE$.knownConfigs().keySet());
        known.addAll(READ_BY_NAME);
        return "Spark 3.5 does not declare '" + key + "'" + TuningKeys.nearest(key, known)
                .map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    /** Whether Spark declares {@code key} in its registry (after loading the declaring objects). */
    public boolean declares(String key) {
        load();
        return ConfigEntry$.MODULE$.findEntry(key) != null;
    }

    private void load() {
        if (loaded) {
            return;
        }
        ClassLoader loader = SparkConfRegistry.class.getClassLoader();
        for (String name : DECLARING_OBJECTS) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Spark class " + name + " is missing from the class path", e);
            }
        }
        loaded = true;
    }
}
