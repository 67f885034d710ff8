package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubePlayTest {
    static final KubePlay.Node NODE = new KubePlay.Node("n1", "127.0.0.1", "127.0.0.1", 19443, "rig");
    static final Path DIR = Path.of("/work/pods/exec-1");

    final Map<String, ConfigMap> configMaps = new HashMap<>();
    final Map<String, ServiceAccount> accounts = new HashMap<>(Map.of(
            "executor", new ServiceAccountBuilder().withNewMetadata().withName("executor").endMetadata()
                    .withAutomountServiceAccountToken(false).build(),
            "driver", new ServiceAccountBuilder().withNewMetadata().withName("driver").endMetadata().build()));
    final Map<String, PersistentVolumeClaim> claims = new HashMap<>(Map.of("ckpt",
            new PersistentVolumeClaimBuilder().withNewMetadata().withName("ckpt").endMetadata().build()));
    final List<Service> services = List.of(new ServiceBuilder().withNewMetadata().withName("driver-headless")
            .withNamespace("ns").endMetadata().withNewSpec().withClusterIP("None").addToSelector("role", "driver")
            .endSpec().build());

    final KubePlay.Lookup lookup = new KubePlay.Lookup() {
        public Optional<ConfigMap> configMap(String ns, String name) {
            return Optional.ofNullable(configMaps.get(name));
        }

        public Optional<ServiceAccount> serviceAccount(String ns, String name) {
            return Optional.ofNullable(accounts.get(name));
        }

        public Optional<PersistentVolumeClaim> claim(String ns, String name) {
            return Optional.ofNullable(claims.get(name));
        }

        public List<Service> services() {
            return services;
        }

        public List<String> endpoints(Service s) {
            return List.of("127.0.0.10");
        }

        public String token(String ns, String sa) {
            return "token-of-" + sa;
        }

        public byte[] caCert() {
            return "CA".getBytes(StandardCharsets.UTF_8);
        }
    };

    /** Shaped like the executor pods Spark 3.5 creates from the chart's template. */
    static Pod executor() {
        return new PodBuilder().withNewMetadata().withName("exec-1").withNamespace("ns").addToLabels("spark-role", "executor")
                .endMetadata().withNewSpec().withServiceAccountName("executor").withAutomountServiceAccountToken(false)
                .withHostname("exec-1").withRestartPolicy("Never")
                .addNewHostAlias().withIp("10.0.0.5").withHostnames("kafka.example").endHostAlias()
                .withNewAffinity().withNewPodAffinity().endPodAffinity().endAffinity()
                .addNewContainer().withName("spark-kubernetes-executor").withImage("img").withArgs("executor")
                .addNewPort().withName("blockmanager").withContainerPort(7079).endPort()
                .addNewEnv().withName("SPARK_EXECUTOR_POD_IP").withNewValueFrom().withNewFieldRef()
                .withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("SPARK_EXECUTOR_POD_NAME").withValue("exec-1").endEnv()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .addNewVolumeMount().withName("checkpoint").withMountPath("/var/spark/checkpoint").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("tmp").withNewEmptyDir().withSizeLimit(new io.fabric8.kubernetes.api.model.Quantity("64Mi")).endEmptyDir().endVolume()
                .addNewVolume().withName("checkpoint").withNewPersistentVolumeClaim().withClaimName("ckpt")
                .endPersistentVolumeClaim().endVolume()
                .endSpec().build();
    }

    @Test
    void anExecutorPodBecomesARunnablePodOnTheNodesNetwork() {
        KubePlay.Plan plan = KubePlay.prepare(executor(), NODE, lookup, DIR, "127.0.0.11");
        assertThat(plan.waiting()).isNull();
        Pod played = Serialization.unmarshal(plan.yaml(), Pod.class);
        assertThat(played.getSpec().getHostNetwork()).isTrue();
        assertThat(played.getSpec().getAffinity()).isNull();
        assertThat(played.getMetadata().getLabels()).containsEntry(KubePlay.RIG_LABEL, "rig").containsEntry("spark-role", "executor");
        Container c = played.getSpec().getContainers().get(0);
        assertThat(c.getPorts()).isNullOrEmpty();
        assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
        assertThat(env(c, "SPARK_EXECUTOR_POD_IP")).isEqualTo("127.0.0.11");
        assertThat(env(c, "KUBERNETES_SERVICE_HOST")).isEqualTo("127.0.0.1");
        assertThat(env(c, "KUBERNETES_SERVICE_PORT")).isEqualTo("19443");
        // No token for an account that opts out; the claim stays a claim; emptyDir becomes a per-pod directory.
        assertThat(c.getVolumeMounts()).noneMatch(m -> m.getMountPath().equals(KubePlay.SERVICE_ACCOUNT_DIR))
                .anyMatch(m -> m.getMountPath().equals("/etc/hosts"));
        assertThat(volume(played, "checkpoint").getPersistentVolumeClaim().getClaimName()).isEqualTo("ckpt");
        assertThat(volume(played, "tmp").getHostPath().getPath()).isEqualTo(DIR.resolve("volumes/tmp").toString());
        assertThat(plan.claims()).containsExactly("ckpt");
        assertThat(plan.emptyDirs()).containsExactly("volumes/tmp");
        String hosts = new String(plan.files().get("hosts"), StandardCharsets.UTF_8);
        assertThat(hosts).contains("127.0.0.11\texec-1\n").contains("10.0.0.5\tkafka.example\n")
                .contains("127.0.0.10\tdriver-headless.ns.svc.cluster.local driver-headless.ns.svc driver-headless.ns driver-headless\n");
        assertThat(plan.rewrites()).anyMatch(r -> r.contains("container ports")).anyMatch(r -> r.contains("status.podIP"));
    }

    @Test
    void anExecReadinessProbeIsKeptForTheRunnerAndTakenOutOfThePod() {
        Pod pod = new PodBuilder(executor()).editSpec().editFirstContainer().withNewReadinessProbe().withNewExec()
                .withCommand("bash", "-c", "test -f /tmp/alive").endExec().endReadinessProbe()
                .withNewLivenessProbe().withNewExec().withCommand("true").endExec().endLivenessProbe()
                .endContainer().endSpec().build();
        KubePlay.Plan plan = KubePlay.prepare(pod, NODE, lookup, DIR, "127.0.0.11");
        assertThat(plan.readiness()).singleElement().satisfies(r -> {
            assertThat(r.container()).isEqualTo("spark-kubernetes-executor");
            assertThat(r.command()).containsExactly("bash", "-c", "test -f /tmp/alive");
        });
        Container c = Serialization.unmarshal(plan.yaml(), Pod.class).getSpec().getContainers().get(0);
        assertThat(c.getReadinessProbe()).isNull();
        assertThat(c.getLivenessProbe()).isNull();
    }

    @Test
    void theDriverGetsItsServiceAccountTokenAndConfigMapFiles() {
        configMaps.put("conf", new ConfigMapBuilder().withNewMetadata().withName("conf").endMetadata()
                .addToData("spark.properties", "a=b").addToData("other", "x").build());
        Pod driver = new PodBuilder(executor()).editSpec().withServiceAccountName("driver").withAutomountServiceAccountToken(null)
                .addNewVolume().withName("conf").withNewConfigMap().withName("conf").addNewItem().withKey("spark.properties")
                .withPath("spark.properties").endItem().endConfigMap().endVolume().endSpec().build();
        KubePlay.Plan plan = KubePlay.prepare(driver, NODE, lookup, DIR, "127.0.0.10");
        assertThat(plan.files()).containsKeys("serviceaccount/token", "serviceaccount/ca.crt", "serviceaccount/namespace",
                "volumes/conf/spark.properties").doesNotContainKey("volumes/conf/other");
        assertThat(new String(plan.files().get("serviceaccount/token"), StandardCharsets.UTF_8)).isEqualTo("token-of-driver");
        Pod played = Serialization.unmarshal(plan.yaml(), Pod.class);
        assertThat(played.getSpec().getContainers().get(0).getVolumeMounts())
                .anyMatch(m -> m.getMountPath().equals(KubePlay.SERVICE_ACCOUNT_DIR) && m.getReadOnly());
    }

    @Test
    void missingObjectsMakeThePodWaitAndUnsupportedSpecsFailIt() {
        Pod withConf = new PodBuilder(executor()).editSpec().addNewVolume().withName("conf").withNewConfigMap()
                .withName("absent").endConfigMap().endVolume().endSpec().build();
        assertThat(KubePlay.prepare(withConf, NODE, lookup, DIR, "127.0.0.11").waiting()).contains("configmap \"absent\"");
        claims.clear();
        assertThat(KubePlay.prepare(executor(), NODE, lookup, DIR, "127.0.0.11").waiting()).contains("persistentvolumeclaim");

        Pod secretEnv = new PodBuilder(executor()).editSpec().editFirstContainer().addNewEnv().withName("P")
                .withNewValueFrom().withNewSecretKeyRef().withName("s").withKey("k").endSecretKeyRef().endValueFrom()
                .endEnv().endContainer().endSpec().build();
        assertThatThrownBy(() -> KubePlay.prepare(secretEnv, NODE, lookup, DIR, "127.0.0.11"))
                .isInstanceOf(KubePlay.Unsupported.class).hasMessageContaining("Secret");
        Pod noAccount = new PodBuilder(executor()).editSpec().withServiceAccountName("nobody").endSpec().build();
        assertThatThrownBy(() -> KubePlay.prepare(noAccount, NODE, lookup, DIR, "127.0.0.11"))
                .hasMessageContaining("serviceaccount \"nobody\" not found");
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    private static Volume volume(Pod p, String name) {
        return p.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }
}
