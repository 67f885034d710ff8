package io.sfcrime.bench.ceiling;

import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * San Francisco wall-clock text ({@code yyyy-MM-ddTHH:mm:ss[.SSS]}, already validated) to epoch milliseconds,
 * without allocating per call. The zone's offset changes only on whole hours, so the epoch millisecond of each
 * local hour's start is computed once with {@code java.time} (the same rules Spark uses: a time in the spring
 * gap moves forward, a time in the autumn overlap takes the earlier offset) and cached; minutes, seconds and
 * millis are added to it.
 */
final class LocalClock {
    private static final int CAPACITY = 1 << 16; // power of two; plenty for 10^5 distinct hours seen in turn
    private final ZoneId zone;
    private final long[] keys = new long[CAPACITY];
    private final long[] hourStartMillis = new long[CAPACITY];
    private final boolean[] used = new boolean[CAPACITY];

    LocalClock(ZoneId zone) {
        this.zone = zone;
    }

    long epochMillis(String text) {
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int millis = text.length() > 19 ? digits(text, 20, 3) : 0;
        long key = ((year * 100L + month) * 100L + day) * 100L + hour;
        int slot = (int) (mix(key) & (CAPACITY - 1));
        if (!used[slot] || keys[slot] != key) {
            // Direct-mapped: a collision just recomputes, which stays correct.
            keys[slot] = key;
            hourStartMillis[slot] = LocalDateTime.of(year, month, day, hour, 0).atZone(zone).toInstant().toEpochMilli();
            used[slot] = true;
        }
        return hourStartMillis[slot] + minute * 60_000L + second * 1_000L + millis;
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }
}
