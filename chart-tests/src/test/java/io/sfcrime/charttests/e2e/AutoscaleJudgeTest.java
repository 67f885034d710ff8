package io.sfcrime.charttests.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sfcrime.charttests.e2e.TimelineTest.samples;
import static org.assertj.core.api.Assertions.assertThat;

class AutoscaleJudgeTest {
    final AutoscaleJudge judge = new AutoscaleJudge(1, 3);

    Timeline.Summary run(int[] pods, long[] lag) {
        return Timeline.summarize(samples(pods, lag));
    }

    @Test
    void upToTheLoadAndBackDownToTheMinimumWithNoLagPasses() {
        Timeline.Summary s = run(new int[] {1, 2, 3, 3, 2, 1}, new long[] {0, 5000, 9000, 100, 0, 0});
        assertThat(judge.failures(s)).isEmpty();
        assertThat(AutoscaleJudge.fields(s)).isEqualTo("scenario=autoscale executors_max=3 executors_end=1 lag_end=0");
    }

    @Test
    void eachWayOfNotScalingIsNamed() {
        assertThat(judge.failures(run(new int[] {1, 1, 1}, new long[] {0, 90000, 0})))
                .containsExactly("never scaled up: 1 executor pod(s) at most, as at the start (lag up to 90000 records;"
                        + " autoscale.maxExecutors 3)");
        assertThat(judge.failures(run(new int[] {1, 3, 3}, new long[] {0, 9000, 0})))
                .containsExactly("never scaled down: still 3 executor pods (the most) at the end");
        assertThat(judge.failures(run(new int[] {1, 3, 2}, new long[] {0, 9000, 0})))
                .containsExactly("ended with 2 executor pods, not autoscale.minExecutors 1 though the load was over");
        assertThat(judge.failures(run(new int[] {1, 4, 1}, new long[] {0, 9000, 0})))
                .containsExactly("4 executor pods ran at once, above autoscale.maxExecutors 3");
        assertThat(judge.failures(run(new int[] {1, 3, 1}, new long[] {0, 9000, 12})))
                .containsExactly("lag is 12 records at the end, not 0");
    }

    @Test
    void scalingUpAgainAfterAScaleDownIsFlapping() {
        assertThat(judge.failures(run(new int[] {1, 3, 2, 3, 1}, new long[] {0, 9000, 10, 9000, 0})))
                .containsExactly("flapped: scaled up again at 9 s after scaling down at 6 s");
    }

    @Test
    void podsThatNeverRegisteredWithTheDriverDoNotCountAsAScaleUp() {
        List<Timeline.Sample> s = List.of(new Timeline.Sample(0, 0, 0, 0, 1, 1, 1),
                new Timeline.Sample(3, 0, 0, 900, 3, 1, 3), new Timeline.Sample(6, 0, 0, 0, 1, 1, 1));
        assertThat(judge.failures(Timeline.summarize(s)))
                .containsExactly("3 executor pods ran but at most 1 registered with the driver");
    }

    @Test
    void theVerdictLeadsWithTheScenariosFieldsAndKeepsTheRest() {
        Verdict v = new Verdict();
        v.executors(2);
        v.report("equal");
        v.rbac(0, 1);
        assertThat(v.line()).isEqualTo("e2e: PASS executors=2 report=equal rbac_denied=0 unused_grants=1");
        v.headline("scenario=autoscale executors_max=3 executors_end=1 lag_end=0");
        assertThat(v.line()).isEqualTo("e2e: PASS scenario=autoscale executors_max=3 executors_end=1 lag_end=0"
                + " report=equal rbac_denied=0 unused_grants=1");
        v.fail("never scaled down: still 3 executor pods (the most) at the end");
        assertThat(v.line()).startsWith("e2e: FAIL scenario=autoscale executors_max=3").endsWith(
                "why: never scaled down: still 3 executor pods (the most) at the end");
    }
}
