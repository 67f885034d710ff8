package io.sfcrime.charttests;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.sfcrime.charttests.Chart.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart's life on a cluster (issue 15): install order, upgrade, storage, the Spark operator, what users expect. */
class ChartLifeTest {

    // ---- 1. helm upgrade never touches the producer ----------------------------------------------------------------

    /**
     * Helm installs and upgrades the release manifest (helm-java's template output) and runs the hooks whose events
     * match (pkg/action/upgrade.go runs pre-upgrade and post-upgrade only). The chart has no template that depends on
     * IsUpgrade, so an upgrade renders the same manifest as an install.
     */
    @Test
    void theProducerJobIsAPostInstallHookOnlySoAnUpgradeNeitherRecreatesNorChangesIt() throws IOException {
        assertThat(Chart.all(Chart.render(), Job.class)).as("Jobs in the release manifest (install and upgrade apply them)")
                .isEmpty();
        List<HasMetadata> all = Chart.renderWithHooks();
        Job producer = Chart.one(all, Job.class, full("producer"));
        assertThat(Chart.hookEvents(producer)).containsExactly("post-install");
        assertThat(producer.getMetadata().getAnnotations()).containsEntry("helm.sh/hook-delete-policy",
                "before-hook-creation");
        for (HasMetadata d : all) {
            assertThat(Chart.hookEvents(d)).as("hook events of %s", d.getMetadata().getName())
                    .doesNotContain("pre-upgrade", "post-upgrade", "pre-rollback", "post-rollback");
        }
        // A new image tag (what an upgrade with new images does) changes the manifest, never a Job.
        assertThat(Chart.all(Chart.parse(Chart.template(List.of(), Map.of("image.tag", "0.2.0"))), Job.class)).isEmpty();
        try (Stream<Path> files = Files.walk(Chart.DIR.resolve("templates"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as("%s renders the same on install and upgrade", f)
                        .doesNotContain("IsUpgrade").doesNotContain("IsInstall");
            }
        }
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of("producer.loop", 0)))
                .hasMessageContaining("producer.loop 0 (forever) cannot run as the post-install hook");
    }

    // ---- 2. install order: everyone waits for the topics ---------------------------------------------------------------

    @Test
    void theProducerTheDriverAndTheConsumerWaitForTheirTopicsWithAStatedBound() {
        List<HasMetadata> docs = Chart.renderWithHooks();
        Job producer = Chart.one(docs, Job.class, full("producer"));
        assertThat(producer.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--no-create-topics", "--wait-for-topics", "900");
        PodSpec driver = Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec();
        assertThat(driver.getInitContainers()).singleElement().satisfies(c -> {
            assertThat(c.getImage()).isEqualTo("sf-crime-streaming/producer:0.1.0");
            assertThat(String.join(" ", c.getArgs())).contains("--wait-only", "--wait-for-topics 900",
                    "--require-topic calls", "--require-topic results", "--require-topic calls.dlq");
        });
        PodSpec consumer = Chart.one(docs, Deployment.class, full("consumer")).getSpec().getTemplate().getSpec();
        assertThat(String.join(" ", consumer.getInitContainers().get(0).getArgs()))
                .contains("--require-topic results").doesNotContain("--require-topic calls");
        // With auth each waits as its own KafkaUser, which may describe only its own topics.
        PodSpec authDriver = Chart.one(Chart.render("auth.yaml"), Deployment.class, full("driver")).getSpec()
                .getTemplate().getSpec();
        assertThat(authDriver.getInitContainers().get(0).getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("KAFKA_SASL_JAAS_CONFIG");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(full("spark"));
        });
        // A Kafka of your own: its topics are yours, nothing waits for them.
        List<HasMetadata> external = Chart.render("external-kafka.yaml");
        assertThat(Chart.one(external, Deployment.class, full("driver")).getSpec().getTemplate().getSpec()
                .getInitContainers()).isNullOrEmpty();
    }

    // ---- 5. Kafka writes its volume on any storage ------------------------------------------------------------------

    @Test
    void kafkaPodsKeepAnFsGroupTheBrokerCanWriteWith() {
        KafkaNodePool pool = Chart.one(Chart.render(), KafkaNodePool.class, Chart.RELEASE + "-pool");
        assertThat(pool.getSpec().getTemplate().getPod().getSecurityContext().getFsGroup()).isEqualTo(0L);
    }

    // ---- 6. spark-operator mode starts ------------------------------------------------------------------------------

    /**
     * The operator's webhook (internal/webhook/sparkpod_defaulter.go, addVolumes) appends every driver and executor
     * volumeMount of the SparkApplication except those named spark-local-dir-*; the submission turns those into
     * spark.kubernetes.*.volumes.* settings, and Spark's LocalDirsFeatureStep adds an emptyDir spark-local-dir-N per
     * spark.local.dir entry unless a volume of that name exists. The pod's mount paths must be unique.
     */
    @Test
    void sparkOperatorPodsHaveUniqueMountPathsAndNoClassesDirectoryInSparkJars() {
        GenericKubernetesResource app = Chart.render("spark-operator.yaml").stream()
                .filter(d -> d.getKind().equals("SparkApplication")).map(GenericKubernetesResource.class::cast)
                .findFirst().orElseThrow();
        Map<String, Object> sparkConf = app.get("spec", "sparkConf");
        String[] localDirs = String.valueOf(sparkConf.get("spark.local.dir")).split(",");
        for (String role : List.of("driver", "executor")) {
            List<Map<String, Object>> mounts = app.get("spec", role, "volumeMounts");
            List<String> paths = new ArrayList<>();
            Set<String> localDirVolumes = new HashSet<>();
            for (Map<String, Object> m : mounts) {
                String name = (String) m.get("name");
                if (name.startsWith("spark-local-dir-")) {
                    localDirVolumes.add(name);   // Spark mounts it (from the operator's settings)
                }
                paths.add((String) m.get("mountPath"));  // the webhook appends the others; Spark adds the local dirs
            }
            for (int i = 0; i < localDirs.length; i++) {
                if (!localDirVolumes.contains("spark-local-dir-" + (i + 1))) {
                    paths.add(localDirs[i]);   // Spark's own emptyDir for spark.local.dir
                }
            }
            assertThat(paths).as("mount paths of the %s pod", role).doesNotHaveDuplicates();
        }
        // spark-submit adds the primary resource to spark.jars unless it is spark-internal (SparkLauncher.NO_RESOURCE).
        String resource = app.get("spec", "mainApplicationFile");
        List<String> jars = new ArrayList<>(List.of(String.valueOf(sparkConf.getOrDefault("spark.jars", "")).split(",")));
        if (!resource.equals("spark-internal")) {
            jars.add(resource);
        }
        assertThat(jars).noneMatch(j -> j.startsWith("local:///app/classes"));
        // Spark's shutdown clean-up asks only for what the Role gives (as in driver mode).
        assertThat(sparkConf).containsEntry("spark.kubernetes.executor.disableConfigMap", "true")
                .containsEntry("spark.kubernetes.driver.service.deleteOnTermination", "false");
        assertThatThrownBy(() -> Chart.template(List.of("spark-operator.yaml"),
                Map.of("spark.operator.mainApplicationFile", "local:///app/classes")))
                .hasMessageContaining("must not be local:///app/classes");
    }

    // ---- 7. portable names ------------------------------------------------------------------------------------------

    @Test
    void clusterDomainAndApiServerEgressAreValues() {
        Map<String, String> conf = ChartTest.sparkConf(Chart.parse(Chart.template(List.of(),
                Map.of("clusterDomain", "corp.example"))));
        assertThat(conf.get("spark.driver.host")).isEqualTo(full("driver-headless") + "." + Chart.NAMESPACE
                + ".svc.corp.example");
        NetworkPolicy np = Chart.one(Chart.parse(Chart.template(List.of("network-policy.yaml"), Map.of(
                "networkPolicy.apiServerPeers[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
                "kube-system"))), NetworkPolicy.class, full("driver"));
        assertThat(np.getSpec().getEgress()).filteredOn(e -> e.getPorts() != null && e.getPorts().stream()
                        .anyMatch(p -> Integer.valueOf(443).equals(p.getPort().getIntVal())))
                .singleElement().satisfies(e -> assertThat(e.getTo().get(0).getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "kube-system"));
        assertThat(np.getSpec().getEgress()).noneMatch(e -> e.getTo() != null
                && e.getTo().stream().anyMatch(p -> p.getIpBlock() != null));
    }

    // ---- 8. what users of well-kept charts expect ---------------------------------------------------------------------

    @Test
    void helmTestChecksThatRecordsReachTheResultsTopic() {
        assertThat(Chart.all(Chart.render(), Pod.class)).as("test pods are not part of the release").isEmpty();
        Pod test = Chart.one(Chart.renderWithHooks(), Pod.class, full("test-results"));
        assertThat(Chart.hookEvents(test)).containsExactly("test");
        Container c = test.getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("sf-crime-streaming/consumer:0.1.0");
        assertThat(String.join(" ", c.getArgs())).contains("--topic results", "--from-beginning",
                "--max-messages 1", "--timeout-ms 300000", "--expect-messages");
        assertThat(test.getSpec().getRestartPolicy()).isEqualTo("Never");
        // Its traffic is allowed by the clients' NetworkPolicy.
        NetworkPolicy clients = Chart.one(Chart.render("network-policy.yaml"), NetworkPolicy.class, full("clients"));
        assertThat(clients.getSpec().getPodSelector().getMatchExpressions()).anySatisfy(e ->
                assertThat(e.getValues()).contains("test"));
    }

    /** The probes' command is run here with bash, on a fresh and on a stale file, as the kubelet would run it. */
    @Test
    void driverAndConsumerProbesReadTheAgeOfTheAliveFileTheyTouch(@TempDir Path dir) throws Exception {
        List<HasMetadata> docs = Chart.render();
        for (String name : List.of("driver", "consumer")) {
            Container c = Chart.one(docs, Deployment.class, full(name)).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            assertThat(c.getArgs()).as(name).containsSequence("--alive-file", "/tmp/sfcrime-alive");
            assertThat(c.getStartupProbe()).as("%s startup probe", name).isNotNull();
            for (Probe p : List.of(c.getReadinessProbe(), c.getLivenessProbe())) {
                List<String> cmd = p.getExec().getCommand();
                int maxAge = name.equals("driver") ? 300 : 60;
                Path alive = dir.resolve(name + "-alive");
                List<String> local = cmd.stream().map(a -> a.replace("/tmp/sfcrime-alive", alive.toString())).toList();
                assertThat(run(local)).as("%s probe without the file", name).isNotZero();
                Files.createFile(alive);
                assertThat(run(local)).as("%s probe on a fresh file", name).isZero();
                Files.setLastModifiedTime(alive, FileTime.from(Instant.now().minusSeconds(maxAge + 30)));
                assertThat(run(local)).as("%s probe on a file older than %s s", name, maxAge).isNotZero();
                Files.delete(alive);
            }
        }
        assertThat(Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec()
                .getContainers().get(0).getStartupProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("ui");
    }

    private static int run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void serviceAccountPodLabelsAnnotationsAndExtraEnv() {
        List<HasMetadata> docs = Chart.parse(Chart.template(List.of(), Map.of(
                "serviceAccount.create", false, "serviceAccount.name", "my-spark",
                "podLabels.team", "data", "podLabels.app\\.kubernetes\\.io/component", "clash",
                "podAnnotations.example\\.com/scrape", "yes",
                "extraEnv[0].name", "HTTPS_PROXY", "extraEnv[0].value", "http://proxy:3128")));
        assertThat(Chart.all(docs, ServiceAccount.class)).extracting(s -> s.getMetadata().getName())
                .doesNotContain("my-spark", full("driver"));
        assertThat(Chart.one(docs, RoleBinding.class, full("driver")).getSubjects().get(0).getName()).isEqualTo("my-spark");
        Deployment driver = Chart.one(docs, Deployment.class, full("driver"));
        assertThat(driver.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("my-spark");
        for (Deployment d : Chart.all(docs, Deployment.class)) {
            var meta = d.getSpec().getTemplate().getMetadata();
            assertThat(meta.getLabels()).containsEntry("team", "data")
                    .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            assertThat(meta.getAnnotations()).containsEntry("example.com/scrape", "yes");
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                    .anySatisfy(e -> assertThat(e.getName()).isEqualTo("HTTPS_PROXY"));
        }
        assertThat(driver.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/spark-conf");
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of("serviceAccount.create", false)))
                .hasMessageContaining("serviceAccount.name is required when serviceAccount.create is false");
    }

    @Test
    void kubeVersionIsDeclaredAndTheStrimziCrdsAreRequired() throws IOException {
        assertThat(Files.readString(Chart.DIR.resolve("Chart.yaml"))).containsPattern("(?m)^kubeVersion: \">=1\\.25");
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of(Chart.CRD_CHECK, true)))
                .hasMessageContaining("kafka.strimzi.io/v1beta2 is not served by this cluster")
                .hasMessageContaining("make strimzi-install");
        // With a Kafka of your own, Strimzi is not needed.
        assertThat(Chart.template(List.of("external-kafka.yaml"), Map.of(Chart.CRD_CHECK, true))).contains("kind: Deployment");
    }

    @Test
    void entityOperatorContainersAreHardened() {
        Kafka kafka = Chart.one(Chart.render(), Kafka.class, full("kafka"));
        var t = kafka.getSpec().getEntityOperator().getTemplate();
        assertThat(t.getPod().getSecurityContext().getRunAsNonRoot()).isTrue();
        for (var sc : List.of(t.getTopicOperatorContainer().getSecurityContext(),
                t.getUserOperatorContainer().getSecurityContext())) {
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        }
    }
}
