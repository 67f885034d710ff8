package io.sfcrime.producer;

/** A clock that only moves when something sleeps on it, so pacing is tested without real time. */
final class ManualClock implements Clock {
    long now = 1_000_000_000L;
    long slept;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepNanos(long nanos) {
        now += nanos;
        slept += nanos;
    }
}
