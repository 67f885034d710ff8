package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.ApplyMode;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.retune.source.Observed;
import io.sfcrime.spark.retune.status.Condition;
import io.sfcrime.spark.retune.status.RestartKind;
import io.sfcrime.spark.retune.status.StatusSink;
import io.sfcrime.spark.retune.status.StatusTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Brings the running job to the observed tuning. Sources {@link #offer} versions from their own threads; the job's
 * main loop calls {@link #tick()}, which applies the latest version once it has been quiet for the debounce time
 * (editors and {@code helm upgrade} write in bursts). Same content as last time: nothing happens. Otherwise the
 * {@link Planner} decides, and each step runs in order, logged, with the status written after the change.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final StatusTracker status;
    private final StatusSink sink;
    private final Supplier<String> checkpoint;
    private final Duration debounce;
    private final Consumer<Tuning> afterChange;
    private volatile Actions actions;
    private volatile TuningChanges changes = (before, after, version) -> { };
    private Tuning applied;
    private String lastDigest;
    private String reconciledVersion;
    private Observed pending;
    private long pendingSince;

    /**
     * @param checkpoint  the checkpoint's location when state exists, else null (see {@link CheckpointPins#existing})
     * @param afterChange run after each applied change (records the checkpoint's fixed keys while it is fresh)
     */
    public Reconciler(Tuning applied, Observed current, StatusTracker status, StatusSink sink,
                      Supplier<String> checkpoint, Duration debounce, Consumer<Tuning> afterChange) {
        this.applied = applied;
        this.lastDigest = current == null ? null : current.digest();
        this.status = status;
        this.sink = sink;
        this.checkpoint = checkpoint;
        this.debounce = debounce;
        this.afterChange = afterChange == null ? t -> { } : afterChange;
    }

    public void bind(Actions actions) {
        this.actions = actions;
    }

    /** Told, on the job's thread, of each version applied (the autoscaler learns of manual executor counts). */
    public interface TuningChanges {
        void applied(Tuning before, Tuning after, String version);
    }

    public void onApplied(TuningChanges changes) {
        this.changes = changes;
    }

    public synchronized Tuning applied() {
        return applied;
    }

    /** From any thread: a version seen at the source. Repeats of the pending content do not restart the quiet time. */
    public synchronized void offer(Observed o) {
        if (pending != null && pending.digest().equals(o.digest())) {
            return;
        }
        if (pending == null && o.digest().equals(lastDigest)) {
            // Same content under a new version (a label edit, a resync): nothing to do, and that is reconciled too.
            if (o.version() != null && !o.version().equals(reconciledVersion)) {
                reconciledVersion = o.version();
                status.reconciled(o.version());
                sink.write(status.snapshot(), false);
            }
            return;
        }
        pending = o;
        pendingSince = System.nanoTime();
    }

    /** On the job's thread: applies the pending version once it has been quiet long enough. True if one ran. */
    public boolean tick() throws Exception {
        Observed o;
        synchronized (this) {
            if (pending == null || System.nanoTime() - pendingSince < debounce.toNanos() || actions == null) {
                return false;
            }
            o = pending;
            pending = null;
        }
        reconcile(o);
        return true;
    }

    /**
     * Brings the job to one observed version. Same content as the last one: nothing happens. Otherwise each of these
     * steps runs in turn, and a failed apply step is thrown at the end, once the status says what happened.
     */
    private void reconcile(Observed o) throws Exception {
        if (o.digest().equals(lastDigest)) {
            return;
        }
        lastDigest = o.digest();
        Plan plan = plan(o);
        recordObserved(o, plan);
        Applied result = applySteps(plan);
        recordApplied(o, plan, result);
        emitEvents(o, plan, result);
        writeStatus(result);
        if (result.failure() != null) {
            throw result.failure();
        }
    }

    /** Plan: what the version changes against the tuning applied now, step by step, and which keys it refuses. */
    private Plan plan(Observed o) {
        Plan plan = Planner.plan(applied, o, checkpoint.get());
        LOG.info("tuning version {}: {} step(s), {} rejected key(s)", o.version(), plan.steps().size(),
                plan.rejected().size());
        plan.rejected().forEach((k, reason) -> LOG.warn("tuning rejected: {}", reason));
        return plan;
    }

    /** Record observed: the status names the version and what it rejects, with the tuning still applied. */
    private void recordObserved(Observed o, Plan plan) {
        status.observed(o.version(), applied.asStrings(), plan.rejected());
    }

    /** What applying a plan did: the tuning now in force, a line per step done, and the failure that stopped it. */
    private record Applied(Tuning tuning, List<String> done, Exception failure) {
    }

    /**
     * Apply steps: each in the plan's order, cheapest first. A step covered by a driver restart is only listed; a
     * failed step stops the plan and leaves the steps before it applied.
     */
    private Applied applySteps(Plan plan) {
        List<String> done = new ArrayList<>();
        Tuning current = applied;
        for (Plan.Step step : plan.steps()) {
            if (step.skipped() != null) {
                LOG.info("tuning step {}", step.describe());
                done.add(step.describe());
                continue;
            }
            Tuning next = step.mode() == ApplyMode.DRIVER_RESTART ? plan.target() : merge(current, plan.target(), step);
            try {
                String outcome = run(step, next);
                current = next;
                String line = step.describe() + (outcome == null ? "" : ": " + outcome);
                LOG.info("tuning step {}", line);
                done.add(line);
            } catch (Exception e) {
                LOG.error("tuning step {} failed: {}", step.describe(), e.toString());
                return new Applied(current, done, e);
            }
        }
        return new Applied(current, done, null);
    }

    /** Record applied: the tuning in force becomes the base of the next plan; the status gets it and the change. */
    private void recordApplied(Observed o, Plan plan, Applied result) {
        Tuning before;
        synchronized (this) {
            before = applied;
            applied = result.tuning();
        }
        status.applied(result.tuning().asStrings());
        if (!plan.steps().isEmpty()) {
            status.change(o.version(), result.done());
        }
        status.reconciled(o.version());
        synchronized (this) {
            reconciledVersion = o.version();
        }
        recordConditions(o, plan, result);
        changes.applied(before, result.tuning(), o.version());
    }

    /** TuningApplied and TuningRejected for this version. */
    private void recordConditions(Observed o, Plan plan, Applied result) {
        String v = "version " + o.version() + ": ";
        if (result.failure() != null) {
            status.condition(Condition.Type.TUNING_APPLIED, false, "ApplyFailed", v + result.failure()
                    + (result.done().isEmpty() ? "" : "; done before it: " + String.join("; ", result.done())));
        } else if (!result.done().isEmpty()) {
            status.condition(Condition.Type.TUNING_APPLIED, true, "Applied", v + String.join("; ", result.done()));
        } else {
            status.condition(Condition.Type.TUNING_APPLIED, true, "UpToDate", v + "nothing to change");
        }
        if (plan.rejected().isEmpty()) {
            status.condition(Condition.Type.TUNING_REJECTED, false, "NoneRejected", v + "every key is valid");
        } else {
            status.condition(Condition.Type.TUNING_REJECTED, true,
                    plan.rejected().containsKey(Planner.SOURCE_KEY) ? "SourceUnreadable" : "KeysRejected",
                    v + String.join("; ", plan.rejected().values()));
        }
    }

    /** Emit events: what was applied, rejected and failed (on Kubernetes, Events on the driver pod). */
    private void emitEvents(Observed o, Plan plan, Applied result) {
        if (!result.done().isEmpty()) {
            sink.event(false, "TuningApplied", "version " + o.version() + ": " + String.join("; ", result.done()));
        }
        if (!plan.rejected().isEmpty()) {
            sink.event(true, "TuningRejected", "version " + o.version() + ": " + plan.rejected().entrySet().stream()
                    .map(e -> e.getValue().startsWith(e.getKey()) ? e.getValue() : e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        if (result.failure() != null) {
            sink.event(true, "TuningFailed", "version " + o.version() + ": " + result.failure());
        }
        if (plan.steps().isEmpty() && plan.rejected().isEmpty()) {
            LOG.info("tuning version {}: nothing to change", o.version());
        }
    }

    /** Write status: after the checkpoint's fixed keys are recorded (while it is fresh), the whole status, unthrottled. */
    private void writeStatus(Applied result) {
        afterChange.accept(result.tuning());
        sink.write(status.snapshot(), true);
    }

    private String run(Plan.Step step, Tuning next) throws Exception {
        switch (step.mode()) {
            case LIVE -> {
                actions.applyLive(next);
                return null;
            }
            case EXECUTORS -> {
                actions.applyLive(next);
                return actions.setExecutors(next.getInt(TuningKeys.EXECUTOR_INSTANCES));
            }
            case QUERY_RESTART -> {
                actions.restartQueries(step.queries(), next);
                status.restarted(RestartKind.QUERY);
                return "restarted " + step.queryNames();
            }
            case DRIVER_RESTART -> {
                RestartKind kind = actions.requestDriverRestart(next);
                status.restarted(kind);
                return kind.label() + " restart requested";
            }
            default -> throw new IllegalStateException("no step for " + step.mode());
        }
    }

    /** {@code base} with the step's keys taken from {@code target}: what is applied once this step is done. */
    static Tuning merge(Tuning base, Tuning target, Plan.Step step) {
        Map<String, String> m = new LinkedHashMap<>(base.asStrings());
        Map<String, String> t = target.asStrings();
        for (Change c : step.changes()) {
            if (t.containsKey(c.key())) {
                m.put(c.key(), t.get(c.key()));
            } else {
                m.remove(c.key());
            }
        }
        return Tuning.fromMap(m);
    }
}
