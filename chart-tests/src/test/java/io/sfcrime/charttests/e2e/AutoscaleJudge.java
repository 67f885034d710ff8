package io.sfcrime.charttests.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the samples of a low → high → low run show the autoscaler working: it scaled up past where it started
 * (and those executors registered with the driver), stayed within its bounds, scaled back down to its minimum once
 * the load was over, never scaled up again after a scale-down (no flapping), and the lag ended at 0.
 *
 * @param minExecutors {@code autoscale.minExecutors}
 * @param maxExecutors {@code autoscale.maxExecutors}
 */
public record AutoscaleJudge(int minExecutors, int maxExecutors) {

    /** Each reason the run does not show that; empty when it does. */
    public List<String> failures(Timeline.Summary s) {
        List<String> out = new ArrayList<>();
        if (s.podsMax() <= s.podsStart()) {
            out.add("never scaled up: " + s.podsMax() + " executor pod(s) at most, as at the start (lag up to "
                    + s.lagMax() + " records; autoscale.maxExecutors " + maxExecutors + ")");
        } else if (s.registeredMax() < s.podsMax()) {
            out.add(s.podsMax() + " executor pods ran but at most " + s.registeredMax()
                    + " registered with the driver");
        }
        if (s.podsMax() > maxExecutors) {
            out.add(s.podsMax() + " executor pods ran at once, above autoscale.maxExecutors " + maxExecutors);
        }
        if (s.podsMax() > s.podsStart() && s.scaleDownAt() < 0) {
            out.add("never scaled down: still " + s.podsEnd() + " executor pods (the most) at the end");
        } else if (s.podsEnd() != minExecutors) {
            out.add("ended with " + s.podsEnd() + " executor pods, not autoscale.minExecutors " + minExecutors
                    + " though the load was over");
        }
        if (s.upAfterDownAt() >= 0) {
            out.add(String.format(Locale.ROOT, "flapped: scaled up again at %.0f s after scaling down at %.0f s",
                    s.upAfterDownAt(), s.firstDownAt()));
        }
        if (s.lagEnd() != 0) {
            out.add("lag is " + s.lagEnd() + " records at the end, not 0");
        }
        return out;
    }

    /** The verdict's fields: {@code scenario=autoscale executors_max=N executors_end=N lag_end=N}. */
    public static String fields(Timeline.Summary s) {
        return "scenario=autoscale executors_max=" + s.podsMax() + " executors_end=" + s.podsEnd() + " lag_end="
                + s.lagEnd();
    }
}
