package io.sfcrime.spark.retune;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.retune.status.TuningStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes side of live retune against fabric8's mock API server in CRUD mode: the chart's rendered tuning
 * ConfigMap, an informer on it, two edits (one valid, one invalid), the status ConfigMap and Events on the driver
 * pod, then a "restarted driver" that resumes from the status.
 */
@EnableKubernetesMockClient(crud = true)
class ConfigMapRetuneTest {
    static final Path ROOT = Path.of(System.getProperty("project.root", "../..")).toAbsolutePath().normalize();
    static final String STATUS = "sfcs-tuning-status";
    static final String POD = "sfcs-sf-crime-streaming-driver-5d9c7-abcde";

    KubernetesClient client;

    @TempDir
    Path checkpoint;

    /** The rendered tuning ConfigMap of the chart (k8s/rendered, default values). */
    static ConfigMap renderedTuningConfigMap(KubernetesClient client) throws Exception {
        try (InputStream in = Files.newInputStream(ROOT.resolve("k8s/rendered/tuning-configmap.yaml"))) {
            List<HasMetadata> items = client.load(in).items();
            return (ConfigMap) items.stream().filter(i -> i instanceof ConfigMap).findFirst().orElseThrow();
        }
    }

    @Test
    void seesBothEditsWritesStatusAndEventsAndARestartedDriverResumes() throws Exception {
        ConfigMap tuning = renderedTuningConfigMap(client);
        String ns = tuning.getMetadata().getNamespace();
        String name = tuning.getMetadata().getName();
        client.configMaps().inNamespace(ns).resource(tuning).create();
        Pod driver = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(POD)
                .withNamespace(ns).endMetadata().withNewSpec().addNewContainer().withName("driver").withImage("x")
                .endContainer().endSpec().build()).create();

        ReconcilerTest.Recorder actions = new ReconcilerTest.Recorder();
        try (Retune retune = Retune.kubernetes(client, ns, name, STATUS, POD, Map.of("app.kubernetes.io/component",
                "tuning-status"), checkpoint, Duration.ofMillis(100), Duration.ofSeconds(5))) {
            assertThat(retune.tuning().getInt(TuningKeys.CONSOLE_TOP_N)).isEqualTo(20);
            retune.start(actions);
            TuningStatus first = status(ns);
            assertThat(first.applied()).containsEntry("spark.executor.instances", "2");
            assertThat(first.observedVersion())
                    .isEqualTo(client.configMaps().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion());

            // 1. A valid edit of a live key.
            client.configMaps().inNamespace(ns).withName(name).edit(cm -> {
                cm.getData().put("console.topN", "5");
                return cm;
            });
            String applied = client.configMaps().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion();
            awaitTicking(retune, () -> actions.calls.contains("live topN=5"));
            TuningStatus afterValid = status(ns);
            assertThat(afterValid.applied()).containsEntry("console.topN", "5");
            assertThat(afterValid.rejected()).isEmpty();
            assertThat(afterValid.observedVersion()).isEqualTo(applied);
            assertThat(afterValid.observedResourceVersion()).isEqualTo(applied);

            // 2. An invalid value: rejected with its reason, the query keeps its last good value.
            client.configMaps().inNamespace(ns).withName(name).edit(cm -> {
                cm.getData().put("source.maxOffsetsPerTrigger", "lots");
                return cm;
            });
            awaitTicking(retune, () -> status(ns).rejected().containsKey("source.maxOffsetsPerTrigger"));
            TuningStatus afterInvalid = status(ns);
            assertThat(afterInvalid.rejected()).containsEntry("source.maxOffsetsPerTrigger",
                    "source.maxOffsetsPerTrigger: 'lots' is not an integer");
            assertThat(afterInvalid.applied()).containsEntry("source.maxOffsetsPerTrigger", "500000")
                    .containsEntry("console.topN", "5");
            assertThat(actions.calls).containsExactly("live topN=5");

            List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
            assertThat(events).anySatisfy(e -> {
                assertThat(e.getReason()).isEqualTo("TuningApplied");
                assertThat(e.getType()).isEqualTo("Normal");
                assertThat(e.getMessage()).contains("console.topN 20 -> 5");
            });
            assertThat(events).anySatisfy(e -> {
                assertThat(e.getReason()).isEqualTo("TuningRejected");
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getMessage()).contains("source.maxOffsetsPerTrigger: 'lots' is not an integer");
            });
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
                assertThat(e.getInvolvedObject().getName()).isEqualTo(POD);
                assertThat(e.getInvolvedObject().getUid()).isEqualTo(driver.getMetadata().getUid());
            });
        }

        // 3. A new driver (after a restart) starts from the ConfigMap, but an invalid value keeps the last good value
        //    the previous driver recorded, not the default.
        client.configMaps().inNamespace(ns).withName(name).edit(cm -> {
            cm.getData().put("source.maxOffsetsPerTrigger", "-1");
            return cm;
        });
        client.configMaps().inNamespace(ns).withName(STATUS).edit(cm -> {
            JsonNode applied;
            try {
                applied = Json.MAPPER.readTree(cm.getData().get("applied"));
                ((com.fasterxml.jackson.databind.node.ObjectNode) applied).put("source.maxOffsetsPerTrigger", "7000");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            cm.getData().put("applied", applied.toString());
            cm.getData().put("restarts", "{\"query\":2,\"session\":0,\"driver\":1}");
            return cm;
        });
        try (Retune restarted = Retune.kubernetes(client, ns, name, STATUS, POD, Map.of(), checkpoint,
                Duration.ofMillis(100), Duration.ofSeconds(5))) {
            assertThat(restarted.tuning().getLong(TuningKeys.MAX_OFFSETS_PER_TRIGGER)).isEqualTo(7000L);
            assertThat(restarted.tuning().getInt(TuningKeys.CONSOLE_TOP_N)).isEqualTo(5);
            assertThat(restarted.initialRejected()).containsKey("source.maxOffsetsPerTrigger");
            restarted.start(new ReconcilerTest.Recorder());
            TuningStatus s = status(ns);
            assertThat(s.restarts().driver()).isEqualTo(1);
            assertThat(s.queryRestarts()).isEqualTo(2);
            assertThat(s.rejected().get("source.maxOffsetsPerTrigger")).contains("at least 0");
        }
    }

    private TuningStatus status(String ns) {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(STATUS).get();
        assertThat(cm).as("status ConfigMap " + STATUS).isNotNull();
        return TuningStatus.fromConfigMapData(cm.getData());
    }

    private static void awaitTicking(Retune retune, Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            retune.tick();
            return done.call();
        });
    }
}
