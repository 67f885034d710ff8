package io.sfcrime.spark.autoscale;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.retune.Actions;
import io.sfcrime.spark.retune.status.AutoscalerStatus;
import io.sfcrime.spark.retune.status.Condition;
import io.sfcrime.spark.retune.status.StatusSink;
import io.sfcrime.spark.retune.status.StatusTracker;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The autoscaler's effects: its listener keeps the counts query's latest batch (or idle report); the job's main loop
 * calls {@link #tick}, which measures the lag, asks the {@link ScalingPolicy}, carries an UP or DOWN out through
 * {@link Actions#setExecutors} (the EXECUTORS step's in-place change), and records it: a log line per batch, the
 * status's {@code autoscaler} and conditions (Progressing, Lagging, AutoscalerActive), and an Event (ScaledUp,
 * ScaledDown, ScaleRecommended) for each decision that changes the count or would.
 */
public final class Autoscaler {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);

    /** Offsets behind latest summed over the partitions of a batch's end offsets, or -1 when it cannot tell. */
    @FunctionalInterface
    public interface LagSource {
        long behind(String endOffsetJson);
    }

    /** What a progress or idle event of the counts query says, kept until the next tick. */
    record Report(long batchId, long rows, long batchMillis, String endOffsets, long sparkBacklog) {
    }

    private final StatusTracker status;
    private final StatusSink sink;
    private final Supplier<Tuning> tuning;
    private final LongSupplier clock;
    private final ScalingPolicy policy = new ScalingPolicy();
    private final AtomicReference<Report> pending = new AtomicReference<>();
    private final Listener listener = new Listener();
    private volatile LagSource lagSource;
    private Report last;
    private java.util.UUID countsId;
    private int target;
    private Integer manual;
    private String manualVersion;
    private boolean localSaid;
    private long scaledUp;
    private long scaledDown;
    private long recommended;
    private String lastBatch;
    private AutoscalerStatus.LastDecision lastDecision;

    /** @param tuning the tuning in force (the reconciler's), read afresh at every batch */
    public Autoscaler(StatusTracker status, StatusSink sink, Supplier<Tuning> tuning, LongSupplier clock) {
        this.status = status;
        this.sink = sink;
        this.tuning = tuning;
        this.clock = clock;
        this.target = tuning.get().getInt(TuningKeys.EXECUTOR_INSTANCES);
        record(tuning.get(), OptionalInt.empty());
    }

    /** Where the lag after each batch is measured (the Kafka topic's latest offsets); without it, Spark's backlog. */
    public void measureLagWith(LagSource source) {
        this.lagSource = source;
    }

    /** Add to each SparkSession's listeners. */
    public StreamingQueryListener listener() {
        return listener;
    }

    /**
     * A new SparkSession starts with the tuning's executor count (or the manual one). Without executors to scale
     * (local mode) that is said once, here, and the status says it from the start.
     */
    public synchronized void sessionStarted(Tuning t, Actions actions) {
        target = manual != null ? manual : t.getInt(TuningKeys.EXECUTOR_INSTANCES);
        OptionalInt running = actions.executors();
        if (running.isEmpty() && t.getBoolean(TuningKeys.AUTOSCALE_ENABLED)) {
            saidLocal();
        }
        record(t, running);
    }

    private void saidLocal() {
        if (!localSaid) {
            localSaid = true;
            LOG.warn("autoscale: the master has no executors to scale (local mode); the autoscaler records what it "
                    + "would do and changes nothing");
        }
    }

    /**
     * A tuning version was applied. A change of spark.executor.instances while autoscaling is on is a manual count:
     * the EXECUTORS step has set it, and it wins until a version changes an autoscale.* key.
     */
    public synchronized void tuningApplied(Tuning before, Tuning after, String version) {
        boolean autoscaleChanged = TuningKeys.ALL.stream().filter(s -> s.name().startsWith("autoscale."))
                .anyMatch(s -> !Objects.equals(before.get(s), after.get(s)));
        int count = after.getInt(TuningKeys.EXECUTOR_INSTANCES);
        boolean countChanged = before.getInt(TuningKeys.EXECUTOR_INSTANCES) != count;
        if (countChanged) {
            target = count;
            policy.changedAt(clock.getAsLong());
        }
        if (autoscaleChanged) {
            if (manual != null) {
                LOG.info("autoscale: version {} changes autoscale.* keys: the autoscaler takes the executor count back "
                        + "from the manual {}", version, manual);
            }
            manual = null;
            manualVersion = null;
        } else if (countChanged && after.getBoolean(TuningKeys.AUTOSCALE_ENABLED)) {
            manual = count;
            manualVersion = version;
            LOG.info("autoscale: spark.executor.instances {} in tuning version {} is a manual count and wins over the "
                    + "autoscaler until an autoscale.* key changes", count, version);
        }
        record(after, OptionalInt.empty());
    }

    /** A batch (or an idle report) of the counts query, judged at the next tick; a newer one replaces it. */
    void offer(Report r) {
        synchronized (this) {
            last = r;
        }
        pending.set(r);
    }

    /** On the job's main loop: judges the batch reported since the last tick, if any. True if one was judged. */
    public boolean tick(Actions actions) {
        Report r = pending.getAndSet(null);
        if (r == null || actions == null) {
            return false;
        }
        judge(r, actions);
        return true;
    }

    private synchronized void judge(Report r, Actions actions) {
        Tuning t = tuning.get();
        ScalingPolicy.Settings cfg = ScalingPolicy.Settings.of(t);
        OptionalInt running = actions.executors();
        long now = clock.getAsLong();
        LagSource probe = lagSource;
        long lag = probe == null || r.endOffsets() == null ? -1 : probe.behind(r.endOffsets());
        if (lag < 0) {
            lag = r.sparkBacklog();
        }
        int partitions = Math.max(partitions(r.endOffsets()), t.getInt(TuningKeys.MIN_PARTITIONS));
        BatchSample s = new BatchSample(r.batchId(), now, r.rows(), r.batchMillis(),
                t.getDuration(TuningKeys.TRIGGER_INTERVAL).toMillis(), lag, r.sparkBacklog(), partitions,
                running.orElse(target), t.getInt(TuningKeys.EXECUTOR_CORES));
        if (!t.getBoolean(TuningKeys.AUTOSCALE_ENABLED)) {
            policy.observe(s, cfg);
            streamConditions(s, cfg);
            lastBatch = null;
            record(t, running);
            sink.write(status.snapshot(), false);
            return;
        }
        if (running.isEmpty()) {
            saidLocal();
        }
        Decision d = policy.decide(s, cfg, new ScalingPolicy.Context(target, recordOnly(t, running)));
        streamConditions(s, cfg);
        lastBatch = "batch " + d.batchId() + ": " + d.describe();
        LOG.info("autoscale {}", lastBatch);
        if (d.changes()) {
            carryOut(d, actions);
        }
        record(t, running);
        sink.write(status.snapshot(), d.changes());
    }

    private void carryOut(Decision d, Actions actions) {
        String reason;
        String outcome = "";
        if (d.apply()) {
            try {
                outcome = "; " + actions.setExecutors(d.to());
                target = d.to();
            } catch (RuntimeException e) {
                LOG.error("autoscale: setting {} executors failed: {}", d.to(), e.toString());
                sink.event(true, "ScaleFailed", d.describe() + "; failed: " + e);
                return;
            }
            if (d.action() == Decision.Action.UP) {
                scaledUp++;
                reason = "ScaledUp";
            } else {
                scaledDown++;
                reason = "ScaledDown";
            }
        } else {
            recommended++;
            reason = "ScaleRecommended";
        }
        Decision.Numbers n = d.numbers();
        lastDecision = new AutoscalerStatus.LastDecision(Instant.ofEpochMilli(clock.getAsLong()).toString(),
                d.batchId(), d.action().name(), d.from(), d.to(), d.apply(), d.reason() + outcome,
                round(n.inputRate()), round(n.ratePerSlot()), round(n.neededRate()), round(n.utilization()), n.lag());
        sink.event(false, reason, "batch " + d.batchId() + ": " + d.describe() + outcome);
    }

    /** Why a decision is only recorded now, or null when it may be carried out. */
    private String recordOnly(Tuning t, OptionalInt running) {
        if (running.isEmpty()) {
            return "no executors to scale in local mode";
        }
        if (manual != null) {
            return "the manual spark.executor.instances " + manual + " (tuning version " + manualVersion + ") wins";
        }
        return "recommend".equals(t.getString(TuningKeys.AUTOSCALE_MODE)) ? "autoscale.mode is recommend" : null;
    }

    /** Progressing and Lagging from the batch, whether or not the autoscaler is on. */
    private void streamConditions(BatchSample s, ScalingPolicy.Settings cfg) {
        if (s.rows() > 0) {
            status.condition(Condition.Type.PROGRESSING, true, "ReadingInput", "batch " + s.batchId() + " read "
                    + s.rows() + " row(s) in " + s.batchMillis() + " ms");
        } else if (s.lag() > cfg.lagThreshold()) {
            status.condition(Condition.Type.PROGRESSING, false, "Stalled", "no rows read while " + s.lag()
                    + " offsets wait");
        } else {
            status.condition(Condition.Type.PROGRESSING, true, "NoNewInput", "up to date; no new input");
        }
        if (s.lag() < 0 && s.backlog() < 0) {
            status.conditionUnknown(Condition.Type.LAGGING, "NotMeasured", "the lag could not be measured");
        } else if (s.behind() > cfg.lagThreshold()) {
            status.condition(Condition.Type.LAGGING, true, "Behind", "batch " + s.batchId() + " left " + s.behind()
                    + " offsets for later (autoscale.lagThreshold " + cfg.lagThreshold() + "); " + s.lag()
                    + " behind latest after it");
        } else if (policy.lagGrowing(cfg)) {
            status.condition(Condition.Type.LAGGING, true, "LagGrowing", "offsets behind latest grew for "
                    + cfg.growthBatches() + " batches to " + s.lag() + " after batch " + s.batchId());
        } else {
            status.condition(Condition.Type.LAGGING, false, "CaughtUp", s.lag() + " offsets behind latest after "
                    + "batch " + s.batchId() + " (autoscale.lagThreshold " + cfg.lagThreshold() + ")");
        }
    }

    /** The status's autoscaler object and the AutoscalerActive condition. */
    private void record(Tuning t, OptionalInt running) {
        boolean enabled = t.getBoolean(TuningKeys.AUTOSCALE_ENABLED);
        String mode = t.getString(TuningKeys.AUTOSCALE_MODE);
        String state;
        String message;
        if (!enabled) {
            state = "Disabled";
            message = "autoscale.enabled is false; the executor count is spark.executor.instances";
        } else if (localSaid) {
            state = "NoExecutors";
            message = "the master has no executors to scale (local mode): decisions are recorded, nothing changes";
        } else if (manual != null) {
            state = "ManualOverride";
            message = "spark.executor.instances " + manual + " set in tuning version " + manualVersion
                    + " wins; change an autoscale.* key to hand the count back to the autoscaler";
        } else if ("recommend".equals(mode)) {
            state = "RecommendOnly";
            message = "autoscale.mode is recommend: decisions are recorded, nothing changes";
        } else {
            state = "Scaling";
            message = "keeps " + t.getInt(TuningKeys.AUTOSCALE_MIN_EXECUTORS) + " to "
                    + t.getInt(TuningKeys.AUTOSCALE_MAX_EXECUTORS) + " executors; " + target + " now";
        }
        status.condition(Condition.Type.AUTOSCALER_ACTIVE, "Scaling".equals(state), state, message);
        status.autoscaler(new AutoscalerStatus(enabled, mode, state, target,
                running.isPresent() ? running.getAsInt() : null, manual,
                t.getInt(TuningKeys.AUTOSCALE_MIN_EXECUTORS), t.getInt(TuningKeys.AUTOSCALE_MAX_EXECUTORS),
                scaledUp, scaledDown, recommended, lastBatch, lastDecision));
    }

    /** Partitions named in a Kafka source's end offsets ({@code {"topic":{"0":12,"1":40}}}), 0 when unknown. */
    static int partitions(String endOffsets) {
        if (endOffsets == null) {
            return 0;
        }
        try {
            int n = 0;
            for (JsonNode topic : Json.MAPPER.readTree(endOffsets)) {
                n += topic.size();
            }
            return n;
        } catch (IOException e) {
            return 0;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private final class Listener extends StreamingQueryListener {
        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            StreamingQueryProgress p = event.progress();
            if (JobQuery.byQueryName(p.name()).orElse(null) != JobQuery.COUNTS || p.sources().length != 1) {
                return;
            }
            SourceProgress source = p.sources()[0];
            Long took = p.durationMs().get("triggerExecution");
            int partitions = partitions(source.endOffset());
            long backlog = -1;
            String avg = source.metrics() == null ? null : source.metrics().get("avgOffsetsBehindLatest");
            if (avg != null && partitions > 0) {
                try {
                    backlog = Math.round(Double.parseDouble(avg) * partitions);
                } catch (NumberFormatException e) {
                    backlog = -1;
                }
            }
            Report r = new Report(p.batchId(), p.numInputRows(), took == null ? 0 : took, source.endOffset(), backlog);
            synchronized (Autoscaler.this) {
                countsId = p.id();
            }
            offer(r);
        }

        /** No new data: a batch-less sample, so that time passes for the cooldowns and the window. */
        @Override
        public void onQueryIdle(QueryIdleEvent event) {
            Report before;
            synchronized (Autoscaler.this) {
                before = event.id().equals(countsId) ? last : null;
            }
            if (before != null) {
                pending.compareAndSet(null, new Report(before.batchId(), 0, 0, before.endOffsets(), 0));
            }
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }
}
