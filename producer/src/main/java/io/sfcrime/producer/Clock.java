package io.sfcrime.producer;

import java.util.concurrent.locks.LockSupport;

/** Time as the pacing logic sees it; tests substitute a manual clock so they never sleep or time anything. */
public interface Clock {
    long nanoTime();

    /** Waits about {@code nanos}; may return early (callers re-check). */
    void sleepNanos(long nanos);

    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) {
            LockSupport.parkNanos(nanos);
        }
    };
}
