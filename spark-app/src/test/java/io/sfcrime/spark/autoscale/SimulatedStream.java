package io.sfcrime.spark.autoscale;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Synthetic batch sequences for the policy: a topic whose input rate follows a function of time, read by back-to-back
 * micro-batches that each cost a fixed overhead plus their rows over the slots' rate, capped at a batch limit (as
 * source.maxOffsetsPerTrigger). Each batch becomes the {@link BatchSample} the Autoscaler would build: the lag after
 * the batch, and the backlog the limit kept out. A decision to apply changes the executor count from the next batch.
 * Test data only: the numbers are made up, the rules judged are the production ones.
 */
final class SimulatedStream {
    final DoubleUnaryOperator inputRate;
    final double ratePerSlot;
    final long overheadMillis;
    final long batchLimit;
    final int partitions;
    final int cores;
    long now = 1_000_000;
    double waiting;
    int executors;
    long batchId;
    final List<Decision> decisions = new ArrayList<>();
    final List<Integer> executorsByBatch = new ArrayList<>();
    final List<Long> lagByBatch = new ArrayList<>();
    final List<Long> atByBatch = new ArrayList<>();

    /**
     * @param inputRate   rows per second arriving, by seconds since the start
     * @param ratePerSlot rows per second one task slot processes
     */
    SimulatedStream(DoubleUnaryOperator inputRate, double ratePerSlot, long overheadMillis, long batchLimit,
                    int partitions, int cores, int executors, double initialBacklog) {
        this.inputRate = inputRate;
        this.ratePerSlot = ratePerSlot;
        this.overheadMillis = overheadMillis;
        this.batchLimit = batchLimit;
        this.partitions = partitions;
        this.cores = cores;
        this.executors = executors;
        this.waiting = initialBacklog;
    }

    private double seconds() {
        return (now - 1_000_000) / 1000.0;
    }

    /** One batch (or, with nothing waiting, a second of idleness), judged by the policy. */
    Decision step(ScalingPolicy policy, ScalingPolicy.Settings cfg, String recordOnly) {
        long rows = (long) Math.min(Math.floor(waiting), batchLimit);
        long millis;
        if (rows == 0) {
            millis = 1000;
        } else {
            int slots = Math.min(executors * cores, partitions);
            millis = overheadMillis + Math.round(rows * 1000.0 / (ratePerSlot * slots));
        }
        double backlog = Math.floor(waiting) - rows;
        waiting -= rows;
        waiting += inputRate.applyAsDouble(seconds()) * millis / 1000.0;
        now += millis;
        BatchSample s = new BatchSample(batchId++, now, rows, rows == 0 ? 0 : millis, 0, (long) Math.floor(waiting),
                (long) backlog, partitions, executors, cores);
        Decision d = policy.decide(s, cfg, new ScalingPolicy.Context(executors, recordOnly));
        decisions.add(d);
        if (d.apply()) {
            executors = d.to();
        }
        executorsByBatch.add(executors);
        lagByBatch.add(s.lag());
        atByBatch.add(s.atMillis());
        return d;
    }

    /** Batches until {@code untilSeconds} of simulated time. */
    SimulatedStream runUntil(ScalingPolicy policy, ScalingPolicy.Settings cfg, double untilSeconds, String recordOnly) {
        while (seconds() < untilSeconds) {
            step(policy, cfg, recordOnly);
        }
        return this;
    }

    /** Seconds since the start when a batch was judged. */
    double secondsAt(Decision d) {
        return (atByBatch.get((int) d.batchId()) - 1_000_000) / 1000.0;
    }

    List<Decision> changes() {
        return decisions.stream().filter(Decision::changes).toList();
    }

    int maxExecutors() {
        return executorsByBatch.stream().mapToInt(Integer::intValue).max().orElse(executors);
    }
}
