package io.sfcrime.producer;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints a progress line every few seconds on a daemon thread, so a long run shows it is alive and how fast. */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final CallProducer run;
    private final PrintWriter err;
    private long lastSent;
    private long lastNanos = System.nanoTime();

    Progress(CallProducer run, PrintWriter err, double intervalSeconds) {
        this.run = run;
        this.err = err;
        if (intervalSeconds <= 0) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "producer-progress");
            t.setDaemon(true);
            return t;
        });
        long ms = (long) (intervalSeconds * 1000);
        timer.scheduleAtFixedRate(this::print, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void print() {
        long now = System.nanoTime();
        long sent = run.sentCount();
        double rate = (sent - lastSent) / ((now - lastNanos) / 1e9);
        lastSent = sent;
        lastNanos = now;
        err.printf("progress: read=%d sent=%d (%.0f/s) invalid=%d failed=%d%n",
                run.readCount(), sent, rate, run.invalidCount(), run.failedCount());
        err.flush();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
