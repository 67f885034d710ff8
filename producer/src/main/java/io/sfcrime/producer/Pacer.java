package io.sfcrime.producer;

/**
 * A smooth token bucket: the n-th permit is due at {@code start + n / rate}, so records leave evenly spaced rather
 * than in a burst at the top of each second. After a stall (a slow broker, a paused process) at most
 * {@link #MAX_BURST_SECONDS} of backlog is allowed to catch up, so a long pause is not followed by a flood.
 */
public final class Pacer {
    static final double MAX_BURST_SECONDS = 0.1;

    private final Clock clock;
    private final double intervalNanos;
    private final long maxBacklogNanos;
    private double nextDue = Double.NaN;

    /** {@code ratePerSecond} 0 or less: unlimited. */
    public Pacer(double ratePerSecond, Clock clock) {
        this.clock = clock;
        this.intervalNanos = ratePerSecond > 0 ? 1e9 / ratePerSecond : 0;
        this.maxBacklogNanos = (long) Math.max(intervalNanos, MAX_BURST_SECONDS * 1e9);
    }

    public boolean unlimited() {
        return intervalNanos == 0;
    }

    /**
     * Blocks until the next permit is due, or until {@code stop} says so. Returns false if stopped while waiting.
     */
    public boolean acquire(java.util.function.BooleanSupplier stop) {
        if (intervalNanos == 0) {
            return true;
        }
        long now = clock.nanoTime();
        if (Double.isNaN(nextDue) || nextDue < now - maxBacklogNanos) {
            nextDue = Double.isNaN(nextDue) ? now : now - maxBacklogNanos;
        }
        while (true) {
            long wait = (long) (nextDue - now);
            if (wait <= 0) {
                break;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            clock.sleepNanos(Math.min(wait, 100_000_000L));
            now = clock.nanoTime();
        }
        nextDue += intervalNanos;
        return true;
    }
}
