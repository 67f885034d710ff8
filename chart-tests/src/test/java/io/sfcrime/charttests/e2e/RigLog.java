package io.sfcrime.charttests.e2e;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Progress lines of the rig, each with the seconds since the run began: {@code [e2e +42s] ...}. The verdict line
 * ({@code e2e: PASS|FAIL ...}) is printed once, by the test, never through here.
 */
public final class RigLog {
    private final PrintStream out;
    private final Instant start = Instant.now();

    public RigLog(PrintStream out) {
        this.out = out;
    }

    public void say(String message) {
        out.println("[e2e +" + Duration.between(start, Instant.now()).toSeconds() + "s] " + message);
        out.flush();
    }

    public Duration elapsed() {
        return Duration.between(start, Instant.now());
    }
}
