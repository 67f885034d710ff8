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

    @Test
    void aScheduleChangesTheSpacingAtEachStepAndEndsAfterTheLast() {
        ManualClock clock = new ManualClock();
        // 2/s for 2 s, then 10/s for 1 s, then the end.
        Pacer p = new Pacer(RateSchedule.parse("2:2s,10:1s"), clock);
        long start = clock.nanoTime();
        List<Long> at = new ArrayList<>();
        while (p.acquire(() -> false)) {
            at.add(clock.nanoTime() - start);
        }
        assertThat(p.ended()).isTrue();
        // Step one: 0, 0.5, 1.0, 1.5 s; step two starts its spacing at 2 s: 2.0, 2.1, ... 2.9 s.
        assertThat(at).hasSize(4 + 10);
        assertThat(at.subList(0, 4)).containsExactly(0L, 500_000_000L, 1_000_000_000L, 1_500_000_000L);
        for (int i = 4; i < at.size(); i++) {
            assertThat(at.get(i)).isEqualTo(2_000_000_000L + (i - 4) * 100_000_000L);
        }
        assertThat(p.acquire(() -> false)).isFalse();
    }

    @Test
    void aFasterStepStartsAtItsBeginningNotAtTheSlowerStepsNextDueTime() {
        ManualClock clock = new ManualClock();
        // 1/s for 1.5 s (permits at 0 and 1.0; the next would be due at 2.0), then 10/s for 1 s from 1.5 s.
        Pacer p = new Pacer(RateSchedule.parse("1:1500ms,10:1s"), clock);
        long start = clock.nanoTime();
        List<Long> at = new ArrayList<>();
        while (p.acquire(() -> false)) {
            at.add(clock.nanoTime() - start);
        }
        assertThat(at).hasSize(2 + 10);
        assertThat(at.get(2)).isEqualTo(1_500_000_000L);
        assertThat(at.get(11)).isEqualTo(2_400_000_000L);
    }

    @Test
    void aScheduleEndsEvenWhileWaitingForASlowStepsNextPermit() {
        ManualClock clock = new ManualClock();
        // One permit every 10 s, but the step lasts 3 s: the second acquire wakes at the step's end and refuses.
        Pacer p = new Pacer(RateSchedule.parse("0.1:3s"), clock);
        long start = clock.nanoTime();
        assertThat(p.acquire(() -> false)).isTrue();
        assertThat(p.acquire(() -> false)).isFalse();
        assertThat(p.ended()).isTrue();
        assertThat(clock.nanoTime() - start).isEqualTo(3_000_000_000L);
    }
}
