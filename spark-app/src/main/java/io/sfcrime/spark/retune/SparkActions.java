package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.query.StreamingJob;
import io.sfcrime.spark.retune.status.RestartKind;
import org.apache.spark.ExecutorAllocationClient;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import scala.collection.JavaConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reconciler's steps carried out on the running SparkSession and queries.
 */
public final class SparkActions implements Actions {

    private final SparkSession spark;
    private final StreamingJob job;
    private final RuntimeSettings settings;
    private final boolean kubernetes;
    private final AtomicReference<Tuning> restartRequest;

    /**
     * @param job            null when only the context matters (no queries)
     * @param restartRequest set to the new tuning on a driver restart; the job's main loop acts on it
     */
    public SparkActions(SparkSession spark, StreamingJob job, RuntimeSettings settings, boolean kubernetes,
                        AtomicReference<Tuning> restartRequest) {
        this.spark = spark;
        this.job = job;
        this.settings = settings;
        this.kubernetes = kubernetes;
        this.restartRequest = restartRequest;
    }

    @Override
    public void applyLive(Tuning tuning) {
        settings.update(tuning);
    }

    @Override
    public OptionalInt executors() {
        SparkContext sc = spark.sparkContext();
        if (!(sc.schedulerBackend() instanceof ExecutorAllocationClient)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(sc.getExecutorIds().size());
    }

    /**
     * Spark's developer API on the context: a higher total makes the cluster manager's allocator (on Kubernetes,
     * ExecutorPodsAllocator) create pods; a lower one kills the newest executors and lowers the target with them,
     * since the allocator alone only drops pods that have not started.
     */
    @Override
    public String setExecutors(int count) {
        SparkContext sc = spark.sparkContext();
        if (!(sc.schedulerBackend() instanceof ExecutorAllocationClient)) {
            return "not applicable with master " + sc.master() + " (no executors to scale)";
        }
        List<String> ids = new ArrayList<>(JavaConverters.seqAsJavaList(sc.getExecutorIds()));
        if (count >= ids.size()) {
            boolean ok = sc.requestTotalExecutors(count, 0, scala.collection.immutable.Map$.MODULE$.empty());
            return (ok ? "requested " : "request refused for ") + count + " executors (running " + ids.size() + ")";
        }
        ids.sort(Comparator.comparingLong((String id) -> id.matches("\\d+") ? Long.parseLong(id) : Long.MAX_VALUE)
                .reversed());
        List<String> victims = ids.subList(0, ids.size() - count);
        sc.killExecutors(JavaConverters.asScalaBuffer(new ArrayList<>(victims)).toList());
        return "killed executors " + victims + " to reach " + count;
    }

    @Override
    public void restartQueries(Set<JobQuery> queries, Tuning tuning) throws Exception {
        settings.update(tuning);
        if (job == null) {
            return;
        }
        // Used only when the checkpoint has no state yet; with state, Spark keeps the checkpoint's value.
        spark.conf().set(TuningKeys.SHUFFLE_PARTITIONS.name(), tuning.getInt(TuningKeys.SHUFFLE_PARTITIONS));
        job.restart(queries);
    }

    @Override
    public RestartKind requestDriverRestart(Tuning tuning) {
        restartRequest.set(tuning);
        return kubernetes ? RestartKind.DRIVER : RestartKind.SESSION;
    }
}
