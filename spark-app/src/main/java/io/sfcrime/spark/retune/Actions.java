package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.spark.retune.status.RestartKind;

import java.util.OptionalInt;
import java.util.Set;

/** What the reconciler can do to the running job; each method is one step of a plan. */
public interface Actions {

    /** Swaps the tuning every micro-batch reads. */
    void applyLive(Tuning tuning);

    /**
     * Executors registered with the driver now; empty when the master has none to scale (local mode). The
     * autoscaler records its decisions only then.
     */
    default OptionalInt executors() {
        return OptionalInt.empty();
    }

    /** Sets the executor count; returns what happened, for the log and the status. */
    String setExecutors(int count);

    /** Stops each query after its current batch and starts it again from its checkpoint with {@code tuning}. */
    void restartQueries(Set<JobQuery> queries, Tuning tuning) throws Exception;

    /**
     * Asks for a driver restart with {@code tuning}: carried out by the job's main loop after the current batch
     * (on Kubernetes by exiting so the Deployment starts a new driver, locally by a new SparkSession).
     * Returns what it restarts, for the status: {@link RestartKind#DRIVER} or {@link RestartKind#SESSION}.
     */
    RestartKind requestDriverRestart(Tuning tuning);
}
