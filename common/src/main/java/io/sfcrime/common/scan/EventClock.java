package io.sfcrime.common.scan;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Local wall-clock text ({@code yyyy-MM-ddTHH:mm:ss[.SSS]}, already validated) to epoch milliseconds, without
 * allocating per call in the usual case. The epoch millisecond of each local hour's start is computed once with
 * {@code java.time} ({@code atZone}: a time in the spring gap moves forward by the gap, a time in the autumn
 * overlap takes the earlier offset) and cached; minutes, seconds and millis are added to it. That is exact when no
 * offset change falls inside the hour, which holds for every hour of today's rules; for the rare hour that has one
 * (an old zone history's odd transition), each time is converted with {@code java.time} as a whole.
 * Not thread-safe: one per scanner.
 */
final class EventClock {
    private static final int CAPACITY = 1 << 16; // power of two; plenty for 10^5 distinct hours seen in turn
    private static final long HOUR_MILLIS = 3_600_000L;
    /** Marks a cached hour whose offset changes inside it. */
    private static final long IRREGULAR = Long.MIN_VALUE;

    private final ZoneId zone;
    private final ZoneRules rules;
    private final long[] keys = new long[CAPACITY];
    private final long[] hourStartMillis = new long[CAPACITY];
    private final boolean[] used = new boolean[CAPACITY];

    EventClock(ZoneId zone) {
        this.zone = zone;
        this.rules = zone.getRules();
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
            hourStartMillis[slot] = hourStart(LocalDateTime.of(year, month, day, hour, 0));
            used[slot] = true;
        }
        long start = hourStartMillis[slot];
        if (start == IRREGULAR) {
            return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000).atZone(zone)
                    .toInstant().toEpochMilli();
        }
        return start + minute * 60_000L + second * 1_000L + millis;
    }

    private long hourStart(LocalDateTime hour) {
        Instant start = hour.atZone(zone).toInstant();
        ZoneOffsetTransition next = rules.nextTransition(start);
        // A transition at the very end of the hour (the autumn overlap's) leaves the hour itself regular.
        if (next != null && next.getInstant().toEpochMilli() < start.toEpochMilli() + HOUR_MILLIS) {
            return IRREGULAR;
        }
        return start.toEpochMilli();
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
