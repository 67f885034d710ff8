package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.ApplyMode;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one observed version of the tuning changes, as steps in the fixed order LIVE, EXECUTORS, QUERY_RESTART,
 * DRIVER_RESTART (cheapest first, so a later failure leaves the cheap changes applied), and which keys are refused.
 *
 * @param target     the tuning once every step is done; rejected keys keep their last applied value
 * @param rejected   key → reason, for this version's content
 * @param steps      non-empty steps only, in order
 */
public record Plan(Tuning target, Map<String, String> rejected, List<Step> steps) {

    /** Order in which steps apply. FIXED_BY_CHECKPOINT never has a step: it is refused or folded into a restart. */
    public static final List<ApplyMode> ORDER = List.of(ApplyMode.LIVE, ApplyMode.EXECUTORS, ApplyMode.QUERY_RESTART,
            ApplyMode.DRIVER_RESTART);

    /**
     * One step: the changes of one apply mode.
     *
     * @param queries for QUERY_RESTART, the queries to restart (each at most once per plan)
     * @param skipped why the step is not carried out on its own (a driver restart covers it), else null
     */
    public record Step(ApplyMode mode, List<Change> changes, Set<JobQuery> queries, String skipped) {
        public String describe() {
            String what = changes.stream().map(Change::toString).collect(Collectors.joining(", "));
            return mode + ": " + what + (queries.isEmpty() ? "" : " (queries " + queryNames() + ")")
                    + (skipped == null ? "" : " [" + skipped + "]");
        }

        /** The queries' Spark names in start order, for the log and the status. */
        public String queryNames() {
            return queries.stream().map(JobQuery::queryName).collect(Collectors.joining(", "));
        }
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public Step step(ApplyMode mode) {
        return steps.stream().filter(s -> s.mode() == mode).findFirst().orElse(null);
    }
}
