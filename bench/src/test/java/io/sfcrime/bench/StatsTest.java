package io.sfcrime.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatsTest {
    @Test
    void medianOfOddAndEvenSamplesIgnoresOrder() {
        assertThat(Stats.median(List.of(5, 1, 3))).isEqualTo(3.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Stats.median(List.of(7))).isEqualTo(7.0);
    }

    @Test
    void quantileInterpolatesBetweenClosestRanks() {
        // 1..10: type-7 p95 is at rank 0.95 * 9 = 8.55 → 9 + 0.55 * (10 - 9)
        List<Integer> v = List.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(Stats.quantile(v, 0.95)).isCloseTo(9.55, within(1e-9));
        assertThat(Stats.quantile(v, 0.0)).isEqualTo(1.0);
        assertThat(Stats.quantile(v, 1.0)).isEqualTo(10.0);
        assertThat(Stats.quantile(v, 0.5)).isEqualTo(5.5);
    }

    @Test
    void emptySamplesGiveNaNNotZero() {
        assertThat(Stats.median(List.<Double>of())).isNaN();
        Stats.Spread s = Stats.spread(List.<Double>of());
        assertThat(s.n()).isZero();
        assertThat(s.median()).isNaN();
    }

    @Test
    void spreadSkipsNaN() {
        Stats.Spread s = Stats.spread(List.of(90.0, Double.NaN, 110.0, 100.0));
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.min()).isEqualTo(90.0);
        assertThat(s.median()).isEqualTo(100.0);
        assertThat(s.max()).isEqualTo(110.0);
    }

    @Test
    void ratioIsNaNWhenUndefined() {
        assertThat(Stats.ratio(10, 4)).isEqualTo(2.5);
        assertThat(Stats.ratio(10, 0)).isNaN();
        assertThat(Stats.ratio(Double.NaN, 3)).isNaN();
    }

    @Test
    void rejectsQuantileOutsideUnitInterval() {
        assertThatThrownBy(() -> Stats.quantile(List.of(1, 2), 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
    }
}
