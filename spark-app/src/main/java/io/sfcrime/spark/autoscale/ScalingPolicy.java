package io.sfcrime.spark.autoscale;

import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Decides the executor count from the counts query's batches. Pure: no Spark, no Kubernetes, no clock of its own
 * (each sample carries its time), so every rule is tested on synthetic batch sequences. The rules, in order:
 * <ol>
 *   <li>Bounds first: a count outside [autoscale.minExecutors, upper bound] is brought inside at once. The upper
 *   bound is autoscale.maxExecutors, or fewer when the input partitions leave cores idle (never more executor cores
 *   than input partitions); when that is below the minimum, the minimum wins.</li>
 *   <li>Up only when the lag grew in each of the last autoscale.lagGrowthBatches batches, by more than
 *   autoscale.lagThreshold in all, and is above it, and autoscale.scaleUpCooldown has passed since the last change: to the executors that
 *   carry the input rate plus the backlog over autoscale.targetCatchUpTime at autoscale.targetUtilization, and at
 *   least one more (the lag says the count in force is not enough, whatever the rates say).</li>
 *   <li>Up too when a backlog that is not growing would still outlast autoscale.targetCatchUpTime: the lag stayed
 *   above the threshold for autoscale.lagGrowthBatches batches and the count in force clears it too slowly (a restart
 *   after downtime, a replay). Same target, bound and cooldown as above.</li>
 *   <li>Down only when every batch of the metrics window left at most autoscale.lagThreshold behind, the window's
 *   peak input rate fits fewer executors at the target utilization, and autoscale.scaleDownCooldown has passed.</li>
 *   <li>Otherwise hold. Between "lag grows" (over 100% busy) and "the peak fits fewer at the target utilization"
 *   lies a band where nothing changes: that, the growth streak and the cooldowns keep noisy rates from flapping.</li>
 * </ol>
 * A decision that may not be carried out (recommend mode, a manual count, local mode) is made all the same and
 * recorded; it starts the cooldown like a real change, so a recommendation repeats at most once per cooldown.
 */
public final class ScalingPolicy {
    /** Enough samples for any window of batches a minute or so long; older ones beyond the window are dropped. */
    private static final int MAX_SAMPLES = 2_000;

    /** The autoscale.* settings of one decision, from the tuning in force at that batch. */
    public record Settings(int min, int max, Duration catchUp, double targetUtilization, int growthBatches,
                           long lagThreshold, Duration window, Duration upCooldown, Duration downCooldown) {
        public static Settings of(Tuning t) {
            return new Settings(t.getInt(TuningKeys.AUTOSCALE_MIN_EXECUTORS), t.getInt(TuningKeys.AUTOSCALE_MAX_EXECUTORS),
                    t.getDuration(TuningKeys.AUTOSCALE_TARGET_CATCH_UP_TIME),
                    t.getInt(TuningKeys.AUTOSCALE_TARGET_UTILIZATION) / 100.0,
                    t.getInt(TuningKeys.AUTOSCALE_LAG_GROWTH_BATCHES), t.getLong(TuningKeys.AUTOSCALE_LAG_THRESHOLD),
                    t.getDuration(TuningKeys.AUTOSCALE_METRICS_WINDOW),
                    t.getDuration(TuningKeys.AUTOSCALE_SCALE_UP_COOLDOWN),
                    t.getDuration(TuningKeys.AUTOSCALE_SCALE_DOWN_COOLDOWN));
        }
    }

    /**
     * What is in force when a batch is judged.
     *
     * @param current  the executor count in force (the last one asked for)
     * @param recordOnly null when a decision may be carried out; otherwise why it is only recorded
     */
    public record Context(int current, String recordOnly) {
    }

    private final Deque<BatchSample> history = new ArrayDeque<>();
    private long lastChangeAt = Long.MIN_VALUE;
    /** Rows per second per slot measured on batches that had work waiting; NaN until one was seen. */
    private double saturatedRatePerSlot = Double.NaN;

    /** Takes a batch into the history without deciding (autoscaling off: the rates are ready when it is turned on). */
    public void observe(BatchSample s, Settings cfg) {
        BatchSample prev = history.peekLast();
        if (prev != null && s.atMillis() < prev.atMillis()) {
            return;
        }
        history.addLast(s);
        trim(cfg);
        saturated(prev, s).ifPresent(rate -> saturatedRatePerSlot = rate);
    }

    /** The count changed by someone else (a manual count, a new driver): the cooldowns run from now. */
    public void changedAt(long atMillis) {
        lastChangeAt = atMillis;
    }

    /** Takes a batch and decides. */
    public Decision decide(BatchSample s, Settings cfg, Context ctx) {
        observe(s, cfg);
        int cores = Math.max(1, s.coresPerExecutor());
        int byPartitions = s.inputPartitions() > 0 ? Math.max(1, s.inputPartitions() / cores) : Integer.MAX_VALUE;
        int upper = Math.max(cfg.min(), Math.min(cfg.max(), byPartitions));
        String upperWhy = cfg.max() <= byPartitions ? "autoscale.maxExecutors " + cfg.max()
                : s.inputPartitions() + " input partition(s) keep at most " + byPartitions + " executor(s) of "
                + cores + " core(s) busy" + (byPartitions < cfg.min() ? " (autoscale.minExecutors " + cfg.min()
                + " wins)" : "");
        int current = ctx.current();
        if (history.size() < 2) {
            Decision.Numbers n = new Decision.Numbers(0, 0, 0, 0, 0, s.lag(), current, upper);
            if (current < cfg.min() || current > upper) {
                return bounded(s, cfg, ctx, upper, upperWhy, n);
            }
            return hold(s, ctx, "collecting rates (first batch seen)", n);
        }
        Decision.Numbers n = numbers(s, cfg, current, cores, upper);
        if (current < cfg.min() || current > upper) {
            return bounded(s, cfg, ctx, upper, upperWhy, n);
        }
        long sinceChange = lastChangeAt == Long.MIN_VALUE ? Long.MAX_VALUE : s.atMillis() - lastChangeAt;
        if (lagGrowing(cfg)) {
            int target = Math.min(upper, Math.max(n.needed(), current + 1));
            if (target <= current) {
                return hold(s, ctx, "lag grew for " + cfg.growthBatches() + " batches but " + current
                        + " is the upper bound (" + upperWhy + ")", n);
            }
            if (sinceChange < cfg.upCooldown().toMillis()) {
                return hold(s, ctx, "lag grew for " + cfg.growthBatches() + " batches; scale-up cooldown, "
                        + seconds(cfg.upCooldown().toMillis() - sinceChange) + " left", n);
            }
            return change(s, ctx, Decision.Action.UP, target, "lag grew for " + cfg.growthBatches()
                    + " batches to " + s.lag() + " (by more than autoscale.lagThreshold " + cfg.lagThreshold() + ")",
                    n);
        }
        OptionalLong clearMillis = backlogOutlastsCatchUp(cfg, n, current, cores);
        if (clearMillis.isPresent()) {
            int target = Math.min(upper, Math.max(n.needed(), current + 1));
            String why = "lag " + s.lag() + (clearMillis.getAsLong() == Long.MAX_VALUE ? " would never clear at "
                    : " would take " + seconds(clearMillis.getAsLong()) + " to clear at ") + current
                    + " executor(s), over autoscale.targetCatchUpTime " + seconds(cfg.catchUp().toMillis());
            if (target <= current) {
                return hold(s, ctx, why + ", but " + current + " is the upper bound (" + upperWhy + ")", n);
            }
            if (sinceChange < cfg.upCooldown().toMillis()) {
                return hold(s, ctx, why + "; scale-up cooldown, " + seconds(cfg.upCooldown().toMillis() - sinceChange)
                        + " left", n);
            }
            return change(s, ctx, Decision.Action.UP, target, why, n);
        }
        if (caughtUpThroughWindow(cfg)) {
            int down = Math.max(cfg.min(), Math.min(upper, executorsFor(Math.max(n.peakInputRate(), n.inputRate()),
                    n.ratePerSlot(), cfg.targetUtilization(), cores, current)));
            if (down < current) {
                if (sinceChange < cfg.downCooldown().toMillis()) {
                    return hold(s, ctx, "caught up and " + down + " would do; scale-down cooldown, "
                            + seconds(cfg.downCooldown().toMillis() - sinceChange) + " left", n);
                }
                return change(s, ctx, Decision.Action.DOWN, down, "caught up through the metrics window "
                        + "(lag at most " + cfg.lagThreshold() + ") and the peak input rate fits " + down
                        + " executor(s) at " + Math.round(cfg.targetUtilization() * 100) + "% utilization", n);
            }
            return hold(s, ctx, "caught up; " + current + " executor(s) needed for the peak input rate", n);
        }
        return hold(s, ctx, s.lag() > cfg.lagThreshold() ? "lag " + s.lag() + " is not growing steadily"
                : "lag within autoscale.lagThreshold, not yet through the whole metrics window", n);
    }

    private Decision bounded(BatchSample s, Settings cfg, Context ctx, int upper, String upperWhy, Decision.Numbers n) {
        if (ctx.current() < cfg.min()) {
            return change(s, ctx, Decision.Action.UP, cfg.min(), "below autoscale.minExecutors " + cfg.min(), n);
        }
        return change(s, ctx, Decision.Action.DOWN, upper, "above the upper bound: " + upperWhy, n);
    }

    private Decision change(BatchSample s, Context ctx, Decision.Action action, int to, String reason,
                            Decision.Numbers n) {
        lastChangeAt = s.atMillis();
        boolean apply = ctx.recordOnly() == null;
        return new Decision(s.batchId(), action, ctx.current(), to, apply,
                apply ? reason : reason + "; not carried out: " + ctx.recordOnly(), n);
    }

    private static Decision hold(BatchSample s, Context ctx, String reason, Decision.Numbers n) {
        return new Decision(s.batchId(), Decision.Action.HOLD, ctx.current(), ctx.current(), false, reason, n);
    }

    /** The window's rates against the count in force. */
    private Decision.Numbers numbers(BatchSample last, Settings cfg, int current, int cores, int upper) {
        List<BatchSample> w = new ArrayList<>(history);
        BatchSample first = w.get(0);
        double span = Math.max(0.001, (last.atMillis() - first.atMillis()) / 1000.0);
        long rows = 0;
        double peak = 0;
        long busyRows = 0;
        double busySlotSeconds = 0;
        for (int i = 1; i < w.size(); i++) {
            BatchSample a = w.get(i - 1);
            BatchSample b = w.get(i);
            rows += b.rows();
            double dt = (b.atMillis() - a.atMillis()) / 1000.0;
            if (dt > 0) {
                peak = Math.max(peak, Math.max(0, b.rows() + lagDelta(a, b)) / dt);
            }
            if (b.rows() > 0 && b.batchMillis() > 0) {
                busyRows += b.rows();
                busySlotSeconds += b.batchMillis() / 1000.0 * b.slots();
            }
        }
        double input = Math.max(0, rows + lagDelta(first, last)) / span;
        double lowerBound = busySlotSeconds > 0 ? busyRows / busySlotSeconds : 0;
        double perSlot = Double.isNaN(saturatedRatePerSlot) ? lowerBound : saturatedRatePerSlot;
        long lag = Math.max(0, last.lag());
        double needed = input + lag / Math.max(1.0, cfg.catchUp().toMillis() / 1000.0);
        int slots = Math.max(1, last.inputPartitions() > 0 ? Math.min(current * cores, last.inputPartitions())
                : current * cores);
        double utilization = perSlot > 0 ? input / (perSlot * slots) : 0;
        int executors = executorsFor(needed, perSlot, cfg.targetUtilization(), cores, current);
        return new Decision.Numbers(input, peak, perSlot, needed, utilization, last.lag(), executors, upper);
    }

    /** Executors whose slots carry {@code rate} at the target utilization; {@code current} when no rate is known. */
    static int executorsFor(double rate, double perSlot, double targetUtilization, int cores, int current) {
        if (perSlot <= 0) {
            return current;
        }
        double slotsNeeded = Math.ceil(rate / (perSlot * targetUtilization) - 1e-9);
        return Math.max(1, (int) Math.ceil(slotsNeeded / cores));
    }

    private static long lagDelta(BatchSample a, BatchSample b) {
        return a.lag() >= 0 && b.lag() >= 0 ? b.lag() - a.lag() : 0;
    }

    /**
     * A batch that had work waiting when it started (the lag after the batch before exceeded what it read, or Spark
     * says a limit kept offsets out) ran at full speed: its rate per slot is what a slot can do. A batch that took
     * all there was only shows the input rate.
     */
    private static java.util.OptionalDouble saturated(BatchSample prev, BatchSample s) {
        boolean waiting = s.backlog() > 0 || (prev != null && prev.lag() > s.rows());
        if (!waiting || s.rows() <= 0 || s.batchMillis() <= 0) {
            return java.util.OptionalDouble.empty();
        }
        return java.util.OptionalDouble.of(s.rows() / (s.batchMillis() / 1000.0) / s.slots());
    }

    /**
     * The lag rose in each of the last {@code growthBatches} batches, by more than the threshold in all, and ends
     * above it: the threshold is also the noise floor, so a lag that wobbles around a steady level is no trend.
     */
    public boolean lagGrowing(Settings cfg) {
        if (history.size() < cfg.growthBatches() + 1) {
            return false;
        }
        List<BatchSample> w = new ArrayList<>(history);
        int from = w.size() - cfg.growthBatches() - 1;
        for (int i = from + 1; i < w.size(); i++) {
            if (w.get(i - 1).lag() < 0 || w.get(i).lag() <= w.get(i - 1).lag()) {
                return false;
            }
        }
        long last = w.get(w.size() - 1).lag();
        return last > cfg.lagThreshold() && last - w.get(from).lag() > cfg.lagThreshold();
    }

    /**
     * A backlog that is not growing but drains too slowly: the lag stayed above the threshold in each of the last
     * {@code growthBatches} batches, the slots' measured rate is known, and at the count in force the surplus over
     * the input rate would need longer than autoscale.targetCatchUpTime to clear it (forever when there is none).
     * This is what a restart after downtime, or a replay, looks like: the lag is large and level or falling slowly.
     * Returns that time, or empty when the backlog clears in time (or no rate per slot is known yet).
     */
    private OptionalLong backlogOutlastsCatchUp(Settings cfg, Decision.Numbers n, int current, int cores) {
        if (history.size() < cfg.growthBatches() + 1 || n.ratePerSlot() <= 0) {
            return OptionalLong.empty();
        }
        List<BatchSample> w = new ArrayList<>(history);
        for (int i = w.size() - cfg.growthBatches() - 1; i < w.size(); i++) {
            if (w.get(i).lag() <= cfg.lagThreshold()) {
                return OptionalLong.empty();
            }
        }
        BatchSample last = w.get(w.size() - 1);
        int slots = Math.max(1, last.inputPartitions() > 0 ? Math.min(current * cores, last.inputPartitions())
                : current * cores);
        double surplus = n.ratePerSlot() * slots - n.inputRate();
        long millis = surplus <= 0 ? Long.MAX_VALUE : (long) Math.ceil(last.lag() / surplus * 1000.0);
        return millis > cfg.catchUp().toMillis() ? OptionalLong.of(millis) : OptionalLong.empty();
    }

    /** Every batch of a history that spans the whole metrics window left at most the threshold behind. */
    private boolean caughtUpThroughWindow(Settings cfg) {
        BatchSample first = history.peekFirst();
        BatchSample last = history.peekLast();
        if (last.atMillis() - first.atMillis() < cfg.window().toMillis()) {
            return false;
        }
        return history.stream().allMatch(b -> b.behind() <= cfg.lagThreshold());
    }

    /** Keeps the window plus the batch just before it (so the history spans it) and the growth streak. */
    private void trim(Settings cfg) {
        long start = history.peekLast().atMillis() - cfg.window().toMillis();
        while (history.size() > Math.max(2, cfg.growthBatches() + 1)) {
            BatchSample[] firstTwo = history.stream().limit(2).toArray(BatchSample[]::new);
            if (firstTwo[1].atMillis() > start && history.size() <= MAX_SAMPLES) {
                break;
            }
            history.pollFirst();
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.0f s", Math.ceil(millis / 1000.0));
    }
}
