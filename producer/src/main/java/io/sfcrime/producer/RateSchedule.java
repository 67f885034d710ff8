package io.sfcrime.producer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --rate-schedule}: the rate in steps, e.g. {@code 200:60s,3000:90s,200:60s} (200 records/s for a minute,
 * then 3000/s for 90 s, then 200/s for a minute). A load that steps up and back down is what an autoscaler has to
 * be shown; one producer following a plan keeps the input one continuous topic, where a chain of producers at
 * fixed rates would leave gaps between them. The run ends when the last step does.
 *
 * @param steps at least one; a rate of 0 is unlimited for that step, as {@code --rate 0} is
 */
public record RateSchedule(List<Step> steps) {
    /** Records per second for this long. */
    public record Step(double rate, long nanos) {
    }

    /** A number and a unit: ms, s, m or h. */
    private static final Pattern STEP = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*:\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m|h)\\s*");

    public RateSchedule {
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException("--rate-schedule needs at least one RATE:DURATION step");
        }
        steps = List.copyOf(steps);
    }

    /** One step that never ends: what {@code --rate R} means. */
    public static RateSchedule constant(double rate) {
        return new RateSchedule(List.of(new Step(rate, Long.MAX_VALUE)));
    }

    /** Parses {@code RATE:DURATION[,RATE:DURATION...]}; a bad step throws naming the option, the step and why. */
    public static RateSchedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--rate-schedule must not be empty: give RATE:DURATION steps, e.g. 200:60s,3000:90s");
        }
        List<Step> steps = new ArrayList<>();
        String[] parts = text.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            Matcher m = STEP.matcher(parts[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("--rate-schedule: step " + (i + 1) + " '" + parts[i].strip()
                        + "' is not RATE:DURATION with a unit of ms, s, m or h (e.g. 200:60s)");
            }
            double rate = Double.parseDouble(m.group(1));
            double amount = Double.parseDouble(m.group(2));
            double unitNanos = switch (m.group(3).toLowerCase(Locale.ROOT)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            long nanos = (long) (amount * unitNanos);
            if (nanos <= 0 || amount * unitNanos >= Long.MAX_VALUE / 2.0) {
                throw new IllegalArgumentException("--rate-schedule: step " + (i + 1) + " '" + parts[i].strip()
                        + "' needs a duration above zero and below a century");
            }
            steps.add(new Step(rate, nanos));
        }
        return new RateSchedule(steps);
    }

    /** The step that is on {@code elapsedNanos} after the start, or -1 once the last step is over. */
    public int stepAt(long elapsedNanos) {
        long end = 0;
        for (int i = 0; i < steps.size(); i++) {
            end = saturatedAdd(end, steps.get(i).nanos());
            if (elapsedNanos < end) {
                return i;
            }
        }
        return -1;
    }

    /** When step {@code i} ends, counted from the start. */
    public long endOf(int i) {
        long end = 0;
        for (int k = 0; k <= i; k++) {
            end = saturatedAdd(end, steps.get(k).nanos());
        }
        return end;
    }

    /** As given on the command line, for logs: {@code 200:60s,3000:90s}. */
    @Override
    public String toString() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            String rate = s.rate() == Math.rint(s.rate()) ? String.valueOf((long) s.rate()) : String.valueOf(s.rate());
            out.add(rate + ":" + (s.nanos() == Long.MAX_VALUE ? "forever" : s.nanos() % 1_000_000_000L == 0
                    ? s.nanos() / 1_000_000_000L + "s" : s.nanos() / 1_000_000L + "ms"));
        }
        return String.join(",", out);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
