package io.sfcrime.producer;

import java.util.function.BooleanSupplier;

/**
 * A smooth token bucket: the n-th permit is due at {@code start + n / rate}, so records leave evenly spaced rather
 * than in a burst at the top of each second. After a stall (a slow broker, a paused process) at most
 * {@link #MAX_BURST_SECONDS} of backlog is allowed to catch up, so a long pause is not followed by a flood.
 * <p>
 * With a {@link RateSchedule} the rate follows its steps, counted from the first permit; each new step starts its
 * spacing afresh (no backlog carried over from a slower step), and once the last step is over no permit is given
 * and {@link #ended()} says so.
 */
public final class Pacer {
    static final double MAX_BURST_SECONDS = 0.1;
    private static final long MAX_SLEEP_NANOS = 100_000_000L;

    private final Clock clock;
    private final RateSchedule schedule;
    private double intervalNanos;
    private long maxBacklogNanos;
    private long startNanos;
    private int step = -1;
    private double nextDue = Double.NaN;
    private boolean ended;

    /** {@code ratePerSecond} 0 or less: unlimited. */
    public Pacer(double ratePerSecond, Clock clock) {
        this(RateSchedule.constant(Math.max(0, ratePerSecond)), clock);
    }

    public Pacer(RateSchedule schedule, Clock clock) {
        this.clock = clock;
        this.schedule = schedule;
    }

    /** True when every step of the schedule is unlimited: acquire never waits. */
    public boolean unlimited() {
        return schedule.steps().stream().allMatch(s -> s.rate() <= 0);
    }

    /** The schedule's last step is over: no more permits. */
    public boolean ended() {
        return ended;
    }

    /**
     * Blocks until the next permit is due, or until {@code stop} says so, or the schedule ends. Returns false if
     * stopped while waiting or the schedule is over.
     */
    public boolean acquire(BooleanSupplier stop) {
        while (true) {
            long now = clock.nanoTime();
            if (step < 0) {
                startNanos = now;
            }
            int current = schedule.stepAt(now - startNanos);
            if (current < 0) {
                ended = true;
                return false;
            }
            if (current != step) {
                enter(current, now);
            }
            if (intervalNanos == 0) {
                return true;
            }
            if (nextDue < now - maxBacklogNanos) {
                nextDue = now - maxBacklogNanos;
            }
            long wait = (long) (nextDue - now);
            if (wait <= 0) {
                nextDue += intervalNanos;
                return true;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            // Wake at the step's end too: the next step's rate (or the schedule's end) applies from then.
            long stepLeft = schedule.endOf(current) - (now - startNanos);
            clock.sleepNanos(Math.max(1, Math.min(wait, Math.min(MAX_SLEEP_NANOS, stepLeft))));
        }
    }

    private void enter(int index, long now) {
        step = index;
        double rate = schedule.steps().get(index).rate();
        intervalNanos = rate > 0 ? 1e9 / rate : 0;
        maxBacklogNanos = (long) Math.max(intervalNanos, MAX_BURST_SECONDS * 1e9);
        nextDue = now;
    }
}
