package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerTest {
    static final Map<String, String> NODE = Map.of("kubernetes.io/hostname", "n1");

    static Pod pod(String name, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withLabels(labels).endMetadata()
                .withNewSpec().endSpec().build();
    }

    static Pod followsDriver(String topologyKey) {
        return new PodBuilder(pod("exec-1", Map.of("role", "executor"))).editSpec().withNewAffinity().withNewPodAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution().withTopologyKey(topologyKey).withNewLabelSelector()
                .addToMatchLabels("role", "driver").endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAffinity().endAffinity().endSpec().build();
    }

    @Test
    void requiredPodAffinityNeedsAMatchingPodOnTheNode() {
        Pod driver = pod("driver", Map.of("role", "driver"));
        assertThat(Scheduler.unschedulable(followsDriver("kubernetes.io/hostname"), NODE, List.of(driver))).isEmpty();
        assertThat(Scheduler.unschedulable(followsDriver("kubernetes.io/hostname"), NODE, List.of()))
                .get().asString().contains("pod affinity").contains("role=driver");
        assertThat(Scheduler.unschedulable(followsDriver("topology.kubernetes.io/zone"), NODE, List.of(driver)))
                .get().asString().contains("topology.kubernetes.io/zone");
    }

    @Test
    void nodeSelectorMustMatchTheNode() {
        Pod p = new PodBuilder(pod("p", Map.of())).editSpec().addToNodeSelector("disk", "ssd").endSpec().build();
        assertThat(Scheduler.unschedulable(p, NODE, List.of())).get().asString().contains("disk=ssd");
        assertThat(Scheduler.unschedulable(p, Map.of("disk", "ssd"), List.of())).isEmpty();
    }
}
