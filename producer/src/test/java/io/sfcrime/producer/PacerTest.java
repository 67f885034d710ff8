package io.sfcrime.producer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {
    @Test
    void permitsAreEvenlySpacedNotBurstPerSecond() {
        ManualClock clock = new ManualClock();
        Pacer p = new Pacer(4, clock);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            assertThat(p.acquire(() -> false)).isTrue();
            times.add(clock.nanoTime());
        }
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isEqualTo(250_000_000L);
        }
    }

    @Test
    void afterAStallOnlyASmallBacklogIsCaughtUp() {
        ManualClock clock = new ManualClock();
        Pacer p = new Pacer(100, clock);
        p.acquire(() -> false);
        clock.now += 10_000_000_000L; // ten seconds stalled
        long before = clock.slept;
        int immediate = 0;
        while (clock.slept == before) {
            p.acquire(() -> false);
            immediate++;
        }
        // 0.1 s of backlog at 100/s: about 10 records go at once, not 1000.
        assertThat(immediate).isBetween(10, 12);
    }

    @Test
    void unlimitedNeverWaitsAndAStopEndsAWait() {
        ManualClock clock = new ManualClock();
        Pacer unlimited = new Pacer(0, clock);
        for (int i = 0; i < 1000; i++) {
            unlimited.acquire(() -> false);
        }
        assertThat(clock.slept).isZero();
        Pacer slow = new Pacer(0.001, clock);
        assertThat(slow.acquire(() -> true)).isTrue();
        assertThat(slow.acquire(() -> true)).isFalse();
    }
}
