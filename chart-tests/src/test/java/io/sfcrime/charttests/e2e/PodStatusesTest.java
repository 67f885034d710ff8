package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PodStatusesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
            "Never, 1, 1, 0, 0, Running", "Never, 1, 0, 1, 0, Succeeded", "Never, 1, 0, 1, 1, Failed",
            "OnFailure, 1, 0, 1, 0, Succeeded", "OnFailure, 1, 0, 1, 1, Running",
            "Always, 1, 0, 1, 0, Running", "Always, 1, 0, 0, 0, Pending", "Never, 2, 1, 1, 1, Running"})
    void phaseFollowsTheRestartPolicy(String policy, int containers, int running, int exited, int failed, String phase) {
        assertThat(PodStatuses.phase(policy, containers, running, exited, failed)).isEqualTo(phase);
    }

    @Test
    void anExitedExecutorContainerCarriesItsExitCodeAsSparkReadsIt() throws Exception {
        Pod pod = new PodBuilder().withNewMetadata().withName("exec-1").endMetadata().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("spark-kubernetes-executor").withImage("img").endContainer().endSpec().build();
        JsonNode inspect = JSON.readTree("""
                {"Id": "abc", "Image": "sha", "RestartCount": 0, "State": {"Status": "exited", "Running": false,
                 "ExitCode": 52, "OOMKilled": false, "StartedAt": "2026-12-02T06:30:01.311178599Z",
                 "FinishedAt": "2026-12-02T06:31:02.5Z"}}""");
        PodStatus s = PodStatuses.of(pod, "127.0.0.1", "127.0.0.11", Instant.now(),
                Map.of("spark-kubernetes-executor", inspect), Set.of());
        assertThat(s.getPhase()).isEqualTo("Failed");
        assertThat(s.getPodIP()).isEqualTo("127.0.0.11");
        assertThat(s.getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(52);
        assertThat(s.getContainerStatuses().get(0).getState().getTerminated().getFinishedAt()).isEqualTo("2026-12-02T06:31:02Z");
        assertThat(PodStatuses.signature(s)).contains("terminated/52");
    }
}
