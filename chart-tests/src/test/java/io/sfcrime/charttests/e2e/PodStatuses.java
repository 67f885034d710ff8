package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pod status a kubelet would report, from {@code podman inspect} of the pod's containers: phase (Pending,
 * Running, Succeeded, Failed by the pod's restart policy), container statuses with waiting, running or terminated
 * state, exit code and restart count, and the PodScheduled, Initialized, ContainersReady and Ready conditions.
 * Spark's executor snapshots read exactly these (phase, and the executor container's terminated exit code).
 */
public final class PodStatuses {

    private PodStatuses() {
    }

    /**
     * @param containers podman's inspect of each of the pod's containers, by container name (absent: not created)
     * @param ready      the names of containers whose readiness probe passed (or that have none)
     */
    public static PodStatus of(Pod pod, String hostIp, String podIp, Instant started, Map<String, JsonNode> containers, Set<String> ready) {
        List<ContainerStatus> statuses = new ArrayList<>();
        int running = 0;
        int exited = 0;
        int failed = 0;
        for (Container c : pod.getSpec().getContainers()) {
            JsonNode i = containers.get(c.getName());
            ContainerStatusBuilder s = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withReady(false).withStarted(false).withRestartCount(i == null ? 0 : i.path("RestartCount").asInt());
            String state = i == null ? "absent" : i.path("State").path("Status").asText();
            if (i != null) {
                s.withContainerID("podman://" + i.path("Id").asText()).withImageID(i.path("Image").asText());
            }
            switch (state) {
                case "running" -> {
                    running++;
                    s.withStarted(true).withReady(ready.contains(c.getName())).withState(new ContainerStateBuilder()
                            .withNewRunning().withStartedAt(time(i.path("State").path("StartedAt").asText()))
                            .endRunning().build());
                }
                case "exited", "stopped" -> {
                    exited++;
                    int code = i.path("State").path("ExitCode").asInt();
                    if (code != 0) {
                        failed++;
                    }
                    s.withState(terminated(i, code));
                }
                default -> s.withState(waiting("ContainerCreating", null));
            }
            statuses.add(s.build());
        }
        String phase = phase(pod.getSpec().getRestartPolicy(), statuses.size(), running, exited, failed);
        boolean allReady = statuses.stream().allMatch(ContainerStatus::getReady);
        return new PodStatusBuilder().withPhase(phase).withHostIP(hostIp).withPodIP(podIp)
                .withPodIPs(new PodIPBuilder().withIp(podIp).build()).withStartTime(time(started))
                .withConditions(condition("PodScheduled", true), condition("Initialized", true),
                        condition("ContainersReady", allReady), condition("Ready", allReady))
                .withContainerStatuses(statuses).build();
    }

    /** A pod the kubelet cannot start yet: Pending, containers waiting with the reason. */
    public static PodStatus pending(Pod pod, String reason, String message, boolean scheduled) {
        List<ContainerStatus> statuses = pod.getSpec().getContainers().stream().map(c -> new ContainerStatusBuilder()
                .withName(c.getName()).withImage(c.getImage()).withReady(false).withRestartCount(0)
                .withState(waiting(reason, message)).build()).toList();
        PodConditionBuilder sched = new PodConditionBuilder().withType("PodScheduled")
                .withStatus(scheduled ? "True" : "False").withLastTransitionTime(time(Instant.now()));
        if (!scheduled) {
            sched.withReason("Unschedulable").withMessage(message);
        }
        return new PodStatusBuilder().withPhase("Pending").withConditions(sched.build())
                .withContainerStatuses(scheduled ? statuses : List.of()).build();
    }

    /** A pod whose spec the kubelet cannot run at all. */
    public static PodStatus failed(String reason, String message) {
        return new PodStatusBuilder().withPhase("Failed").withReason(reason).withMessage(message).build();
    }

    /** What changed for a status write to matter: phase, readiness, each container's state and restarts. */
    public static String signature(PodStatus s) {
        StringBuilder b = new StringBuilder(String.valueOf(s.getPhase()));
        for (PodCondition c : s.getConditions() == null ? List.<PodCondition>of() : s.getConditions()) {
            b.append(' ').append(c.getType()).append('=').append(c.getStatus()).append(c.getMessage() == null ? "" : c.getMessage());
        }
        for (ContainerStatus c : s.getContainerStatuses() == null ? List.<ContainerStatus>of() : s.getContainerStatuses()) {
            ContainerState st = c.getState();
            b.append(' ').append(c.getName()).append(':').append(c.getRestartCount()).append(':')
                    .append(st.getRunning() != null ? "running" : st.getTerminated() != null
                            ? "terminated/" + st.getTerminated().getExitCode() : "waiting/" + st.getWaiting().getMessage());
        }
        return b.toString();
    }

    static String phase(String restartPolicy, int containers, int running, int exited, int failed) {
        if (running > 0) {
            return "Running";
        }
        if (containers == 0 || exited < containers) {
            return "Pending";
        }
        String policy = restartPolicy == null ? "Always" : restartPolicy;
        if (failed == 0) {
            // Exited cleanly: done, unless podman is about to start it again.
            return policy.equals("Always") ? "Running" : "Succeeded";
        }
        return policy.equals("Never") ? "Failed" : "Running";
    }

    private static ContainerState terminated(JsonNode i, int code) {
        JsonNode st = i.path("State");
        String reason = st.path("OOMKilled").asBoolean() ? "OOMKilled" : code == 0 ? "Completed" : "Error";
        return new ContainerStateBuilder().withNewTerminated().withExitCode(code).withReason(reason)
                .withStartedAt(time(st.path("StartedAt").asText()))
                .withFinishedAt(time(st.path("FinishedAt").asText())).endTerminated().build();
    }

    private static ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
    }

    private static PodCondition condition(String type, boolean status) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withLastTransitionTime(time(Instant.now())).build();
    }

    private static String time(String podmanTime) {
        try {
            return time(OffsetDateTime.parse(podmanTime).toInstant());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
