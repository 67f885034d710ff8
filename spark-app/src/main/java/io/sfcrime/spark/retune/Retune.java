package io.sfcrime.spark.retune;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.spark.autoscale.Autoscaler;
import io.sfcrime.spark.retune.source.ConfigMapTuningSource;
import io.sfcrime.spark.retune.source.FileTuningSource;
import io.sfcrime.spark.retune.source.Observed;
import io.sfcrime.spark.retune.source.TuningSource;
import io.sfcrime.spark.retune.status.Condition;
import io.sfcrime.spark.retune.status.ConfigMapStatusSink;
import io.sfcrime.spark.retune.status.FileStatusSink;
import io.sfcrime.spark.retune.status.StatusListener;
import io.sfcrime.spark.retune.status.StatusSink;
import io.sfcrime.spark.retune.status.StatusTracker;
import io.sfcrime.spark.retune.status.TuningStatus;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Live retune of one job: where its tuning comes from, the tuning it starts with, the reconciler that follows the
 * source while it runs, and where status goes. Locally the source is the {@code --tuning} file and status the
 * {@code --status-file}; on Kubernetes the tuning ConfigMap and the status ConfigMap plus Events on the driver pod.
 */
public final class Retune implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retune.class);
    /** Quiet time before a change applies: editors save twice, helm upgrade may touch the ConfigMap more than once. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofSeconds(1);

    private final TuningSource source;
    private final StatusSink sink;
    private final StatusTracker status;
    private final Tuning initial;
    private final Map<String, String> initialRejected;
    private final boolean kubernetes;
    private final Reconciler reconciler;
    private final StatusListener listener;
    private final Autoscaler autoscaler;
    private volatile Actions actions;
    private boolean started;

    private Retune(TuningSource source, StatusSink sink, StatusTracker status, Tuning base, Observed current,
                   CheckpointPins pins, boolean kubernetes, Duration debounce) {
        this.source = source;
        this.sink = sink;
        this.status = status;
        this.kubernetes = kubernetes;
        Tuning pinned = pins.applyTo(base);
        Plan start = current == null ? new Plan(pinned, Map.of(), java.util.List.of())
                : Planner.plan(pinned, current, pins.existing());
        this.initial = start.target();
        this.initialRejected = start.rejected();
        initialRejected.values().forEach(reason -> LOG.warn("tuning rejected at start: {}", reason));
        status.observed(current == null ? null : current.version(), initial.asStrings(), initialRejected);
        pins.writeIfFresh(initial);
        this.reconciler = new Reconciler(initial, current, status, sink, pins::existing, debounce,
                pins::writeIfFresh);
        this.listener = new StatusListener(status, sink);
        status.condition(Condition.Type.READY, false, "Starting", "waiting for the counts query's first batch");
        status.condition(Condition.Type.TUNING_APPLIED, true, "AppliedAtStart", "the driver started with version "
                + (current == null ? "(defaults)" : current.version()));
        status.condition(Condition.Type.TUNING_REJECTED, !initialRejected.isEmpty(),
                initialRejected.isEmpty() ? "NoneRejected" : "KeysRejected", initialRejected.isEmpty()
                        ? "every key is valid" : "at start: " + String.join("; ", initialRejected.values()));
        this.autoscaler = new Autoscaler(status, sink, reconciler::applied, System::currentTimeMillis);
        reconciler.onApplied(autoscaler::tuningApplied);
    }

    /**
     * Local mode.
     *
     * @param tuningFile the --tuning file to watch, or null (defaults, nothing to watch)
     * @param statusFile the --status-file, or null (status only in the log)
     * @param loaded     the tuning read strictly from the file at start (bad files never get this far)
     */
    public static Retune local(Path tuningFile, Path statusFile, Path checkpoint, Tuning loaded, Duration debounce) {
        TuningSource source = tuningFile == null ? null : new FileTuningSource(tuningFile);
        StatusSink sink = statusFile == null ? StatusSink.NONE : new FileStatusSink(statusFile);
        StatusTracker status = new StatusTracker(source == null ? "defaults" : source.describe());
        return new Retune(source, sink, status, loaded, source == null ? null : source.read(),
                new CheckpointPins(checkpoint), false, debounce);
    }

    /**
     * Kubernetes: the start-up tuning is read from the ConfigMap before any SparkSession exists, validated against
     * the last good tuning the previous driver recorded in the status ConfigMap (an invalid value keeps that value,
     * not the default), with restart counts carried over.
     */
    public static Retune kubernetes(KubernetesClient client, String namespace, String tuningConfigMap,
                                    String statusConfigMap, String podName, Map<String, String> labels,
                                    Path checkpoint, Duration debounce, Duration progressInterval) {
        ConfigMapTuningSource source = new ConfigMapTuningSource(client, namespace, tuningConfigMap);
        ConfigMapStatusSink sink = new ConfigMapStatusSink(client, namespace, statusConfigMap, podName, labels,
                progressInterval);
        StatusTracker status = new StatusTracker(source.describe());
        TuningStatus previous = sink.read();
        status.resumeFrom(previous);
        Tuning base = previous == null ? Tuning.defaults()
                : Tuning.validate(previous.applied(), Tuning.defaults()).tuning();
        return new Retune(source, sink, status, base, source.read(), new CheckpointPins(checkpoint), true, debounce);
    }

    public Tuning tuning() {
        return initial;
    }

    public Map<String, String> initialRejected() {
        return initialRejected;
    }

    public boolean onKubernetes() {
        return kubernetes;
    }

    /** Counts tuning changes into metrics from now on (what was rejected at start is in {@link #initialRejected}). */
    public void countInto(StatusTracker.Counts counts) {
        status.countInto(counts);
    }

    /** Status after each counts batch. */
    public StreamingQueryListener listener() {
        return listener;
    }

    /**
     * Binds the reconciler to the (new) session's actions; the first call also writes the status and starts
     * watching the source.
     */
    public synchronized void start(Actions actions) {
        reconciler.bind(actions);
        this.actions = actions;
        autoscaler.sessionStarted(reconciler.applied(), actions);
        if (started) {
            return;
        }
        started = true;
        if (!initialRejected.isEmpty()) {
            sink.event(true, "TuningRejected", "at start: " + String.join("; ", initialRejected.values()));
        }
        sink.write(status.snapshot(), true);
        if (source != null) {
            source.start(reconciler::offer);
        }
    }

    /** The Spark UI's address as bound, into the status ({@code make ui} reads it there). */
    public void ui(String url) {
        status.ui(url);
        sink.write(status.snapshot(), true);
    }

    /** A counts batch dropped valid rows behind the watermark: into the status, written with that batch's progress. */
    public void lateRows(long batchId, long rows, String advice) {
        status.lateRows(batchId, rows, advice);
    }

    /** The executor autoscaler: its listener goes on each session, its lag source is set by the job. */
    public Autoscaler autoscaler() {
        return autoscaler;
    }

    /** Called by the job's main loop: applies a pending change, then judges the last batch for the autoscaler. */
    public boolean tick() throws Exception {
        boolean changed = reconciler.tick();
        autoscaler.tick(actions);
        return changed;
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
        status.stopping("the driver is stopping");
        sink.write(status.snapshot(), true);
        sink.close();
    }
}
