package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.ApplyMode;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.SparkConfRegistry;
import io.sfcrime.spark.retune.source.Observed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns an observed tuning into a {@link Plan} against what is applied now. Pure: no Spark, no I/O, so every rule
 * (validation, classification, order, checkpoint-fixed keys) is unit-tested on its own.
 */
public final class Planner {
    /** Key under which a problem with the source itself (unparsable YAML, deleted ConfigMap) is reported. */
    public static final String SOURCE_KEY = "(source)";

    private Planner() {
    }

    /**
     * @param applied    what the job runs with now (the last good tuning)
     * @param observed   the new content
     * @param checkpoint where the checkpoint is when one exists (state has been written), else null
     */
    public static Plan plan(Tuning applied, Observed observed, String checkpoint) {
        if (observed.error() != null) {
            return new Plan(applied, Map.of(SOURCE_KEY, observed.error()), List.of());
        }
        // Pass-through spark.* keys are checked against Spark's own registry, as at start-up.
        Tuning.Validation v = Tuning.validate(observed.raw(), applied, SparkConfRegistry.INSTANCE);
        Map<String, String> rejected = new TreeMap<>(v.rejected());
        Map<String, String> now = applied.asStrings();
        Map<String, String> next = new LinkedHashMap<>(v.tuning().asStrings());

        Map<ApplyMode, List<Change>> byMode = new EnumMap<>(ApplyMode.class);
        Set<JobQuery> queries = EnumSet.noneOf(JobQuery.class);
        Set<String> keys = new LinkedHashSet<>(next.keySet());
        keys.addAll(now.keySet());
        for (String key : keys) {
            String from = now.get(key);
            String to = next.get(key);
            if (java.util.Objects.equals(from, to) || rejected.containsKey(key)) {
                continue;
            }
            ApplyMode mode = TuningKeys.applyMode(key).orElse(ApplyMode.DRIVER_RESTART);
            String refused = refusal(key, to, mode, checkpoint);
            if (refused != null) {
                rejected.put(key, refused);
                revert(next, key, from);
                continue;
            }
            if (mode == ApplyMode.FIXED_BY_CHECKPOINT) {
                // No state written yet: the key only shapes the counts query, which starts again with it.
                mode = ApplyMode.QUERY_RESTART;
            }
            if (mode == ApplyMode.QUERY_RESTART) {
                queries.addAll(TuningKeys.affectedQueries(key));
            }
            byMode.computeIfAbsent(mode, m -> new ArrayList<>()).add(new Change(key, from, to, mode));
        }

        boolean driverRestart = byMode.containsKey(ApplyMode.DRIVER_RESTART);
        List<Plan.Step> steps = new ArrayList<>();
        for (ApplyMode mode : Plan.ORDER) {
            List<Change> changes = byMode.get(mode);
            if (changes == null) {
                continue;
            }
            // A driver (or session) restart starts executors and queries afresh with the new settings anyway.
            String skipped = driverRestart && (mode == ApplyMode.QUERY_RESTART || mode == ApplyMode.EXECUTORS)
                    ? "covered by the driver restart" : null;
            steps.add(new Plan.Step(mode, List.copyOf(changes),
                    mode == ApplyMode.QUERY_RESTART ? Collections.unmodifiableSet(EnumSet.copyOf(queries)) : Set.of(),
                    skipped));
        }
        Tuning target = Tuning.fromMap(next);
        return new Plan(target, Map.copyOf(rejected), List.copyOf(steps));
    }

    /** Why a valid value cannot apply to the running job, or null. */
    static String refusal(String key, String to, ApplyMode mode, String checkpoint) {
        if (mode == ApplyMode.FIXED_BY_CHECKPOINT && checkpoint != null) {
            return key + ": fixed by the checkpoint in " + checkpoint + " (its saved state is laid out by this value), "
                    + "so the job keeps the value it started with; to change it, start fresh with a new --checkpoint "
                    + "directory (on Kubernetes: a new checkpoint PVC), which counts the topic again from the start";
        }
        return null;
    }

    private static void revert(Map<String, String> next, String key, String from) {
        if (from == null) {
            next.remove(key);
        } else {
            next.put(key, from);
        }
    }
}
