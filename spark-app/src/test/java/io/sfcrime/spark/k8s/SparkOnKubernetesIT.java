package io.sfcrime.spark.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import io.sfcrime.spark.config.JobConfig;
import io.sfcrime.spark.config.RuntimeSettings;
import io.sfcrime.spark.config.Sessions;
import io.sfcrime.spark.retune.Retune;
import io.sfcrime.spark.retune.SparkActions;
import io.sfcrime.spark.retune.status.TuningStatus;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spark's own Kubernetes scheduler against fabric8's mock API server (CRUD mode, so pods created are stored and
 * listed): the driver runs in client mode with the chart's rendered Spark settings (k8s/rendered, parsed here) and
 * its tuning ConfigMap, and the executor pods Spark's allocator creates are checked against the chart. Then the
 * executor count is raised in the tuning ConfigMap and the live-retune reconciler makes the allocator add pods.
 * Mock pods never run (no kubelet), so this checks specs and the allocator's requests, not running executors.
 */
@EnableKubernetesMockClient(crud = true)
class SparkOnKubernetesIT {
    static final Path ROOT = Path.of(System.getProperty("project.root", "../..")).toAbsolutePath().normalize();
    static final Path RENDERED = ROOT.resolve("k8s/rendered");
    static final String DRIVER_POD = "sfcs-sf-crime-streaming-driver-7f9d8-x2k4q";
    static final String EXECUTOR_SELECTOR = "spark-role";

    KubernetesClient client;

    @TempDir
    Path dir;

    static <T extends HasMetadata> T load(KubernetesClient client, String file, Class<T> type) throws Exception {
        try (InputStream in = Files.newInputStream(RENDERED.resolve(file))) {
            return client.load(in).items().stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
        }
    }

    @Test
    void executorPodsFollowTheChartAndTheTuningConfigMap() throws Exception {
        ConfigMap sparkConf = load(client, "spark-conf-configmap.yaml", ConfigMap.class);
        ConfigMap tuningMap = load(client, "tuning-configmap.yaml", ConfigMap.class);
        Properties rendered = new Properties();
        rendered.load(new StringReader(sparkConf.getData().get("spark.properties")));
        Path template = dir.resolve("executor-pod-template.yaml");
        Files.writeString(template, sparkConf.getData().get("executor-pod-template.yaml"));
        Pod templatePod = client.pods().load(Files.newInputStream(template)).item();

        String ns = rendered.getProperty("spark.kubernetes.namespace");
        assertThat(tuningMap.getMetadata().getNamespace()).isEqualTo(ns);
        client.configMaps().inNamespace(ns).resource(tuningMap).create();
        Pod driver = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(DRIVER_POD)
                .withNamespace(ns).endMetadata().withNewSpec().addNewContainer().withName("driver")
                .withImage(rendered.getProperty("spark.kubernetes.container.image")).endContainer().endSpec().build())
                .create();

        // As the driver starts in its pod: tuning from the ConfigMap first, then the session.
        Retune retune = Retune.kubernetes(client, ns, tuningMap.getMetadata().getName(), "sfcs-tuning-status",
                DRIVER_POD, Map.of(), dir.resolve("checkpoint"), Duration.ofMillis(100), Duration.ofSeconds(5));
        Tuning tuning = retune.tuning();
        int instances = tuning.getInt(TuningKeys.EXECUTOR_INSTANCES);
        assertThat(instances).isPositive();

        JobConfig config = new JobConfig("127.0.0.1:9", "calls", "results", "calls.dlq", null, dir.resolve("checkpoint"),
                false, null, null, null, 0, "k8s://" + client.getMasterUrl());
        SparkConf conf = Sessions.conf(config, tuning);
        // The chart hands these to the driver as system properties, below the tuning (see Sessions.conf).
        for (String key : rendered.stringPropertyNames()) {
            conf.setIfMissing(key, rendered.getProperty(key));
        }
        // What differs from a pod: the mock's address and certificate, loopback instead of the headless Service,
        // free ports, the template at a local path, driver scratch in a temp dir, the pod name from the downward API.
        conf.set("spark.kubernetes.trust.certificates", "true");
        conf.set("spark.driver.host", "127.0.0.1");
        conf.set("spark.driver.bindAddress", "127.0.0.1");
        conf.set("spark.driver.port", "0");
        conf.set("spark.blockManager.port", "0");
        conf.set("spark.driver.blockManager.port", "0");
        conf.set("spark.kubernetes.executor.podTemplateFile", template.toString());
        conf.set("spark.local.dir", dir.resolve("scratch").toString());
        conf.set("spark.kubernetes.driver.pod.name", DRIVER_POD);

        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).dontCatchUncaughtExceptions()
                    .until(() -> kubelet(ns) >= instances);
            List<Pod> pods = executors(ns);
            assertThat(pods).hasSize(instances);
            for (Pod pod : pods) {
                assertExecutorPod(pod, driver, rendered, tuning, templatePod, spark);
            }

            // Live retune: a higher count in the ConfigMap becomes extra executor pods, without a restart.
            RuntimeSettings settings = new RuntimeSettings(tuning);
            SparkActions actions = new SparkActions(spark, null, settings, true, new AtomicReference<>());
            // Spark's Kubernetes backend takes executor requests: the autoscaler may act here (not in local mode).
            assertThat(actions.executors()).isPresent();
            retune.start(actions);
            int raised = instances + 2;
            client.configMaps().inNamespace(ns).withName(tuningMap.getMetadata().getName()).edit(cm -> {
                cm.getData().put(TuningKeys.EXECUTOR_INSTANCES.name(), String.valueOf(raised));
                return cm;
            });
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).dontCatchUncaughtExceptions().until(() -> {
                retune.tick();
                return kubelet(ns) >= raised;
            });
            List<Pod> after = executors(ns);
            assertThat(after).hasSize(raised);
            assertThat(after.stream().map(p -> p.getMetadata().getName()))
                    .containsAll(pods.stream().map(p -> p.getMetadata().getName()).toList());
            for (Pod pod : after) {
                assertExecutorPod(pod, driver, rendered, tuning, templatePod, spark);
            }
            assertThat(settings.tuning().getInt(TuningKeys.EXECUTOR_INSTANCES)).isEqualTo(raised);
            TuningStatus status = TuningStatus.fromConfigMapData(client.configMaps().inNamespace(ns)
                    .withName("sfcs-tuning-status").get().getData());
            assertThat(status.applied()).containsEntry(TuningKeys.EXECUTOR_INSTANCES.name(), String.valueOf(raised));
            assertThat(String.join("; ", status.lastChange().steps())).contains("EXECUTORS")
                    .contains("requested " + raised + " executors");
            assertThat(status.restarts().driver()).isZero();
        } finally {
            retune.close();
            spark.stop();
        }
    }

    /**
     * The mock has no kubelet: pods it stores never get a status, and Spark's snapshot of executor pods fails on
     * them (NPE on the phase), so its allocator would never look again. Marks new executor pods Running, as a node
     * would once their containers start. Returns how many executor pods exist.
     */
    private int kubelet(String ns) {
        List<Pod> pods = executors(ns);
        for (Pod p : pods) {
            if (p.getStatus() == null || p.getStatus().getPhase() == null) {
                p.setStatus(new PodStatusBuilder().withPhase("Running").build());
                client.pods().inNamespace(ns).resource(p).updateStatus();
            }
        }
        return pods.size();
    }

    private List<Pod> executors(String ns) {
        return client.pods().inNamespace(ns).withLabel(EXECUTOR_SELECTOR, "executor").list().getItems();
    }

    private static void assertExecutorPod(Pod pod, Pod driver, Properties rendered, Tuning tuning, Pod template,
                                          SparkSession spark) {
        String appId = spark.sparkContext().applicationId();
        // Owned by the driver pod, so Kubernetes collects executors with it.
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies((OwnerReference o) -> {
            assertThat(o.getKind()).isEqualTo("Pod");
            assertThat(o.getName()).isEqualTo(DRIVER_POD);
            assertThat(o.getUid()).isEqualTo(driver.getMetadata().getUid());
            assertThat(o.getController()).isTrue();
        });
        assertThat(pod.getMetadata().getName()).startsWith(rendered.getProperty("spark.kubernetes.executor.podNamePrefix") + "-exec-");
        // Labels: the chart's (from the template) plus Spark's own.
        assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(template.getMetadata().getLabels())
                .containsEntry("spark-role", "executor").containsEntry("spark-app-selector", appId);
        assertThat(pod.getSpec().getServiceAccountName())
                .isEqualTo(rendered.getProperty("spark.kubernetes.authenticate.executor.serviceAccountName"))
                .isEqualTo(template.getSpec().getServiceAccountName());
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSpec().getSecurityContext()).isEqualTo(template.getSpec().getSecurityContext());
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");

        Container c = pod.getSpec().getContainers().stream()
                .filter(x -> x.getName().equals(template.getSpec().getContainers().get(0).getName()))
                .findFirst().orElseThrow();
        assertThat(c.getImage()).isEqualTo(rendered.getProperty("spark.kubernetes.container.image"));
        assertThat(c.getImagePullPolicy()).isEqualTo(rendered.getProperty("spark.kubernetes.container.image.pullPolicy"));
        assertThat(c.getArgs()).containsExactly("executor");
        assertThat(c.getSecurityContext()).isEqualTo(template.getSpec().getContainers().get(0).getSecurityContext());

        // Resources: memory = executor memory (tuning) + overhead (chart); cores from tuning and chart.
        long memoryMb = JavaUtils.byteStringAsMb(tuning.getString(TuningKeys.EXECUTOR_MEMORY))
                + JavaUtils.byteStringAsMb(rendered.getProperty("spark.executor.memoryOverhead"));
        Quantity memory = new Quantity(memoryMb + "Mi");
        assertThat(c.getResources().getRequests()).containsEntry("memory", memory)
                .containsEntry("cpu", new Quantity(rendered.getProperty("spark.kubernetes.executor.request.cores")));
        assertThat(c.getResources().getLimits()).containsEntry("memory", memory)
                .containsEntry("cpu", new Quantity(rendered.getProperty("spark.kubernetes.executor.limit.cores")));

        // What the image's entrypoint needs in executor mode.
        Map<String, String> env = c.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env).containsEntry("SPARK_EXECUTOR_CORES", String.valueOf(tuning.getInt(TuningKeys.EXECUTOR_CORES)))
                .containsEntry("SPARK_EXECUTOR_MEMORY",
                        JavaUtils.byteStringAsMb(tuning.getString(TuningKeys.EXECUTOR_MEMORY)) + "m")
                .containsEntry("SPARK_APPLICATION_ID", appId)
                .containsKey("SPARK_EXECUTOR_ID")
                .containsEntry("SPARK_DRIVER_URL", "spark://CoarseGrainedScheduler@127.0.0.1:"
                        + spark.sparkContext().getConf().get("spark.driver.port"));
        // The chart's scratch volume (named spark-local-dir-1) is Spark's local dir, not an extra emptyDir.
        String scratch = template.getSpec().getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getName().startsWith("spark-local-dir-")).findFirst().orElseThrow().getMountPath();
        assertThat(env).containsEntry("SPARK_LOCAL_DIRS", scratch);
        assertThat(env.values()).anySatisfy(v -> assertThat(v).contains(rendered.getProperty("spark.executor.extraJavaOptions")));
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("SPARK_EXECUTOR_POD_IP");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        });
        assertThat(pod.getSpec().getVolumes()).extracting(v -> v.getName())
                .containsAll(template.getSpec().getVolumes().stream().map(v -> v.getName()).toList());
    }
}
