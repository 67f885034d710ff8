package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.ApplyMode;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.retune.source.Observed;
import io.sfcrime.spark.retune.status.StatusSink;
import io.sfcrime.spark.retune.status.TuningStatus;
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

    private final TuningStatus status;
    private final StatusSink sink;
    private final Supplier<String> checkpoint;
    private final Duration debounce;
    private final Consumer<Tuning> afterChange;
    private volatile Actions actions;
    private Tuning applied;
    private String lastDigest;
    private Observed pending;
    private long pendingSince;

    /**
     * @param checkpoint  the checkpoint's location when state exists, else null (see {@link CheckpointPins#existing})
     * @param afterChange run after each applied change (records the checkpoint's fixed keys while it is fresh)
     */
    public Reconciler(Tuning applied, Observed current, TuningStatus status, StatusSink sink,
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

    public synchronized Tuning applied() {
        return applied;
    }

    /** From any thread: a version seen at the source. Repeats of the pending content do not restart the quiet time. */
    public synchronized void offer(Observed o) {
        if (pending != null && pending.digest().equals(o.digest())) {
            return;
        }
        if (pending == null && o.digest().equals(lastDigest)) {
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

    private void reconcile(Observed o) throws Exception {
        if (o.digest().equals(lastDigest)) {
            return;
        }
        lastDigest = o.digest();
        Plan plan = Planner.plan(applied, o, checkpoint.get());
        LOG.info("tuning version {}: {} step(s), {} rejected key(s)", o.version(), plan.steps().size(),
                plan.rejected().size());
        plan.rejected().forEach((k, reason) -> LOG.warn("tuning rejected: {}", reason));
        status.observed(o.version(), applied.asStrings(), plan.rejected());

        List<String> done = new ArrayList<>();
        Exception failure = null;
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
                failure = e;
                break;
            }
        }
        synchronized (this) {
            applied = current;
        }
        status.applied(current.asStrings());
        if (!plan.steps().isEmpty()) {
            status.change(o.version(), done);
        }
        if (!done.isEmpty()) {
            sink.event(false, "TuningApplied", "version " + o.version() + ": " + String.join("; ", done));
        }
        if (!plan.rejected().isEmpty()) {
            sink.event(true, "TuningRejected", "version " + o.version() + ": " + plan.rejected().entrySet().stream()
                    .map(e -> e.getValue().startsWith(e.getKey()) ? e.getValue() : e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        if (failure != null) {
            sink.event(true, "TuningFailed", "version " + o.version() + ": " + failure);
        }
        if (plan.steps().isEmpty() && plan.rejected().isEmpty()) {
            LOG.info("tuning version {}: nothing to change", o.version());
        }
        afterChange.accept(current);
        sink.write(status.toJson(), true);
        if (failure != null) {
            throw failure;
        }
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
                status.restarted("query");
                return "restarted " + step.queryNames();
            }
            case DRIVER_RESTART -> {
                String kind = actions.requestDriverRestart(next);
                status.restarted(kind);
                return kind + " restart requested";
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
