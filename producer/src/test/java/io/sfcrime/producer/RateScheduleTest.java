package io.sfcrime.producer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateScheduleTest {
    @Test
    void stepsParseWithTheirUnitsAndSayWhichStepIsOn() {
        RateSchedule s = RateSchedule.parse("200:60s, 3000:1.5m,0:500ms,10:1h");
        assertThat(s.steps()).containsExactly(new RateSchedule.Step(200, 60_000_000_000L),
                new RateSchedule.Step(3000, 90_000_000_000L), new RateSchedule.Step(0, 500_000_000L),
                new RateSchedule.Step(10, 3_600_000_000_000L));
        assertThat(s.stepAt(0)).isZero();
        assertThat(s.stepAt(59_999_999_999L)).isZero();
        assertThat(s.stepAt(60_000_000_000L)).isEqualTo(1);
        assertThat(s.stepAt(150_000_000_000L)).isEqualTo(2);
        assertThat(s.stepAt(150_500_000_000L)).isEqualTo(3);
        assertThat(s.endOf(3)).isEqualTo(3_750_500_000_000L);
        assertThat(s.stepAt(s.endOf(3))).isEqualTo(-1);
        assertThat(s).hasToString("200:60s,3000:90s,0:500ms,10:3600s");
    }

    @Test
    void aConstantRateNeverEnds() {
        RateSchedule s = RateSchedule.constant(50);
        assertThat(s.stepAt(Long.MAX_VALUE - 1)).isZero();
        assertThat(s).hasToString("50:forever");
    }

    @Test
    void badStepsAreRejectedNamingTheOptionAndTheStep() {
        assertThatThrownBy(() -> RateSchedule.parse("200:60s,3000"))
                .hasMessage("--rate-schedule: step 2 '3000' is not RATE:DURATION with a unit of ms, s, m or h (e.g. 200:60s)");
        assertThatThrownBy(() -> RateSchedule.parse("-5:10s")).hasMessageContaining("step 1 '-5:10s'");
        assertThatThrownBy(() -> RateSchedule.parse("5:10d")).hasMessageContaining("unit of ms, s, m or h");
        assertThatThrownBy(() -> RateSchedule.parse("5:0s")).hasMessageContaining("step 1 '5:0s' needs a duration above zero");
        assertThatThrownBy(() -> RateSchedule.parse("5:10s,")).hasMessageContaining("step 2 ''");
        assertThatThrownBy(() -> RateSchedule.parse(" ")).hasMessageContaining("--rate-schedule must not be empty");
    }
}
