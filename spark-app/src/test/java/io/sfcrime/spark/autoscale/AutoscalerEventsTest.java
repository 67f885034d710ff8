package io.sfcrime.spark.autoscale;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sfcrime.common.Json;
import io.sfcrime.spark.retune.Retune;
import io.sfcrime.spark.retune.status.Condition;
import io.sfcrime.spark.retune.status.TuningStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaler on Kubernetes, against fabric8's mock API server in CRUD mode: the chart's rendered tuning ConfigMap
 * with autoscaling turned on by an edit, batches whose lag grows, and what a user sees: a ScaledUp Event on the driver
 * pod, the status ConfigMap's conditions (also as the flat keys kubectl wait reads) and observed_generation.
 */
@EnableKubernetesMockClient(crud = true)
class AutoscalerEventsTest {
    static final Path ROOT = Path.of(System.getProperty("project.root", "../..")).toAbsolutePath().normalize();
    static final String STATUS = "sfcs-tuning-status";
    static final String POD = "sfcs-sf-crime-streaming-driver-5d9c7-abcde";

    KubernetesClient client;

    @TempDir
    Path checkpoint;

    @Test
    void aScaleUpIsAnEventOnTheDriverPodAndTheStatusConfigMapSaysLagging() throws Exception {
        ConfigMap tuning;
        try (InputStream in = Files.newInputStream(ROOT.resolve("k8s/rendered/tuning-configmap.yaml"))) {
            tuning = (ConfigMap) client.load(in).items().stream().filter(i -> i instanceof ConfigMap).findFirst()
                    .orElseThrow();
        }
        String ns = tuning.getMetadata().getNamespace();
        String name = tuning.getMetadata().getName();
        assertThat(tuning.getData()).containsEntry("autoscale.enabled", "false");
        tuning.getData().put("spark.executor.instances", "1");
        client.configMaps().inNamespace(ns).resource(tuning).create();
        Pod driver = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(POD)
                .withNamespace(ns).endMetadata().withNewSpec().addNewContainer().withName("driver").withImage("x")
                .endContainer().endSpec().build()).create();
        AutoscalerTest.Executors executors = new AutoscalerTest.Executors(1, false);

        try (Retune retune = Retune.kubernetes(client, ns, name, STATUS, POD, Map.of(), checkpoint,
                Duration.ofMillis(100), Duration.ZERO)) {
            retune.start(executors);
            Map<String, String> atStart = data(ns);
            assertThat(atStart).containsEntry("ready", "False").containsEntry("autoscalerActive", "False")
                    .containsEntry("tuningApplied", "True").containsEntry("tuningRejected", "False");

            client.configMaps().inNamespace(ns).withName(name).edit(cm -> {
                cm.getData().put("autoscale.enabled", "true");
                return cm;
            });
            String edited = client.configMaps().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion();
            // 120 s: the mock API server can drop a watch opened while it stores a write (a ConcurrentModification
            // in its CRUD dispatcher); the informer re-watches with back-off, which on a loaded machine takes a while.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                retune.tick();
                return edited.equals(data(ns).get("observed_generation"));
            });
            assertThat(data(ns)).containsEntry("autoscalerActive", "True");
            // A label edit is a new resourceVersion with the same data: reconciled as nothing to do.
            client.configMaps().inNamespace(ns).withName(name).edit(cm -> {
                cm.getMetadata().getLabels().put("example.org/touched", "yes");
                return cm;
            });
            String touched = client.configMaps().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion();
            assertThat(touched).isNotEqualTo(edited);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> {
                retune.tick();
                return touched.equals(data(ns).get("observed_generation"));
            });

            Autoscaler autoscaler = retune.autoscaler();
            long[] lag = {0};
            autoscaler.measureLagWith(json -> lag[0]);
            for (int batch = 0; batch < 5; batch++) {
                lag[0] += 6_000;
                autoscaler.offer(new Autoscaler.Report(batch, 2_000, 1_000, "{\"calls\":{\"0\":" + (batch * 500L)
                        + ",\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0}}", 0));
                retune.tick();
                // The autoscaler's clock is the wall clock on Kubernetes: rates need time between batches.
                Thread.sleep(200);
            }
            assertThat(executors.asked).hasSize(1);
            int target = executors.asked.get(0);
            assertThat(target).isGreaterThan(1);

            List<Event> scaled = client.v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(e -> e.getReason().equals("ScaledUp")).toList();
            assertThat(scaled).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo("Normal");
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
                assertThat(e.getInvolvedObject().getName()).isEqualTo(POD);
                assertThat(e.getInvolvedObject().getUid()).isEqualTo(driver.getMetadata().getUid());
                assertThat(e.getMessage()).contains("scale up 1 -> " + target + ": lag grew for 3 batches")
                        .contains("rows/s per slot").contains("requested " + target);
            });

            Map<String, String> data = data(ns);
            assertThat(data).containsEntry("lagging", "True").containsEntry("progressing", "True")
                    .containsEntry("autoscalerActive", "True");
            TuningStatus status = TuningStatus.fromConfigMapData(data);
            assertThat(status.autoscaler().targetExecutors()).isEqualTo(target);
            assertThat(status.autoscaler().lastDecision().action()).isEqualTo("UP");
            assertThat(status.condition(Condition.Type.LAGGING).reason()).isEqualTo("LagGrowing");
            assertThat(Json.MAPPER.readTree(data.get("conditions"))).hasSize(6);
        }
        // The driver stopping says so before it goes.
        assertThat(data(ns)).containsEntry("ready", "False");
        assertThat(TuningStatus.fromConfigMapData(data(ns)).condition(Condition.Type.READY).reason())
                .isEqualTo("Stopped");
    }

    private Map<String, String> data(String ns) {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(STATUS).get();
        assertThat(cm).as("status ConfigMap " + STATUS).isNotNull();
        return cm.getData();
    }
}
