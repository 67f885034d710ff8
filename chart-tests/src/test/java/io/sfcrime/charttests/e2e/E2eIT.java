package io.sfcrime.charttests.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code make e2e}: the end-to-end run on this machine (podman, the image tars, no cluster). Not part of
 * {@code make test}: the chart-tests pom excludes it unless named with {@code -Dit.test=E2eIT}. Prints the verdict
 * line once; the rig's progress and the driver's API requests come before it.
 */
class E2eIT {

    @Test
    void chartPodsAndExecutorPodsRunAsContainers() {
        RigSettings settings = RigSettings.fromSystemProperties();
        Verdict verdict = new Rig(settings, new RigLog(System.out)).run(Scenario.named(settings.scenario()));
        System.out.println(verdict.line());
        System.out.flush();
        assertThat(verdict.passed()).as("the end-to-end run (scenario %s) failed: %s", settings.scenario(),
                verdict.failures()).isTrue();
    }
}
