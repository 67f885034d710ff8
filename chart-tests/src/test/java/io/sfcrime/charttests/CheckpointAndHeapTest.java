package io.sfcrime.charttests;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sfcrime.charttests.e2e.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static io.sfcrime.charttests.Chart.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the checkpoint lives and how big the driver's heap is. Executors write the aggregation state into the
 * checkpoint themselves, so they mount the driver's claim at the driver's path, and with a ReadWriteOnce claim they
 * must run on the driver's node; the driver's heap is {@code spark.driver.memory}, handed to the image as a Spark
 * setting (the entrypoint makes it -Xmx) and checked against the container's memory limit. {@code make e2e} runs it.
 */
class CheckpointAndHeapTest {

    @Test
    void executorsMountTheDriversCheckpointClaimAtTheDriversPath() {
        List<HasMetadata> docs = Chart.render();
        PodSpec driver = Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec();
        Container driverContainer = driver.getContainers().get(0);
        String path = driverContainer.getArgs().get(driverContainer.getArgs().indexOf("--checkpoint") + 1);
        String claim = claimMountedAt(driver, driverContainer, path);
        assertThat(claim).isEqualTo(full("checkpoint"));

        PodSpec executor = ChartTest.executorTemplate(docs).getSpec();
        assertThat(claimMountedAt(executor, executor.getContainers().get(0), path)).as("executor checkpoint claim")
                .isEqualTo(claim);
    }

    @Test
    void readWriteOnceBindsExecutorsToTheDriversNodeByTheDriversLabels() {
        List<HasMetadata> docs = Chart.render();
        Pod executor = ChartTest.executorTemplate(docs);
        PodAffinityTerm term = requiredTerm(executor.getSpec().getAffinity());
        assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(term.getNamespaces()).as("the executor's own namespace").isNullOrEmpty();
        // It selects the driver pod, and no other pod the chart runs (executors, producer).
        Map<String, String> driverLabels = Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate()
                .getMetadata().getLabels();
        assertThat(Scheduler.selects(term.getLabelSelector(), driverLabels)).isTrue();
        assertThat(Scheduler.selects(term.getLabelSelector(), executor.getMetadata().getLabels())).isFalse();
        Job producer = Chart.one(Chart.renderWithHooks(), Job.class, full("producer"));
        assertThat(Scheduler.selects(term.getLabelSelector(), producer.getSpec().getTemplate().getMetadata().getLabels()))
                .isFalse();
        // Only executors follow the driver; the driver itself goes wherever the scheduler puts it.
        assertThat(Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec().getAffinity())
                .isNull();
    }

    @Test
    void readWriteManyAddsNoAffinityAndTheChartsAffinityIsKeptEitherWay() {
        Map<String, Object> nodeAffinity = Map.of(
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].key", "pool",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].operator", "In",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                        + ".matchExpressions[0].values[0]", "spark");
        assertThat(ChartTest.executorTemplate(render(Map.of("spark.checkpoint.accessMode", "ReadWriteMany")))
                .getSpec().getAffinity()).isNull();

        Map<String, Object> rwx = new java.util.HashMap<>(nodeAffinity);
        rwx.put("spark.checkpoint.accessMode", "ReadWriteMany");
        Affinity shared = ChartTest.executorTemplate(render(rwx)).getSpec().getAffinity();
        assertThat(shared.getPodAffinity()).isNull();
        assertThat(shared.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms())
                .singleElement().satisfies(t -> assertThat(t.getMatchExpressions().get(0).getKey()).isEqualTo("pool"));

        Affinity once = ChartTest.executorTemplate(render(nodeAffinity)).getSpec().getAffinity();
        assertThat(once.getNodeAffinity()).isEqualTo(shared.getNodeAffinity());
        assertThat(requiredTerm(once).getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    }

    @Test
    void readWriteOncePodIsRefusedBecauseExecutorsMountTheClaimToo() {
        assertThatThrownBy(() -> render(Map.of("spark.checkpoint.accessMode", "ReadWriteOncePod")))
                .hasMessageContaining("accessMode").hasMessageContaining("values don't meet the specifications");
    }

    @Test
    void sparkOperatorModeGivesExecutorsTheCheckpointAndTheDriversNode() {
        List<HasMetadata> docs = Chart.render("spark-operator.yaml");
        GenericKubernetesResource app = docs.stream().filter(d -> d.getKind().equals("SparkApplication"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        List<String> args = app.get("spec", "arguments");
        String path = args.get(args.indexOf("--checkpoint") + 1);
        List<Map<String, Object>> mounts = app.get("spec", "executor", "volumeMounts");
        assertThat(mounts).anySatisfy(m -> assertThat(m).containsEntry("name", "checkpoint").containsEntry("mountPath", path));
        List<Map<String, Object>> volumes = app.get("spec", "volumes");
        assertThat(volumes).anySatisfy(v -> assertThat(v).containsEntry("name", "checkpoint")
                .containsEntry("persistentVolumeClaim", Map.of("claimName", full("checkpoint"))));
        Affinity affinity = Serialization.jsonMapper().convertValue(app.get("spec", "executor", "affinity"), Affinity.class);
        Map<String, String> driverLabels = app.get("spec", "driver", "labels");
        assertThat(Scheduler.selects(requiredTerm(affinity).getLabelSelector(), driverLabels)).isTrue();
        assertThat(app.<Object>get("spec", "driver", "memory")).isEqualTo("1g");
    }

    @Test
    void theDriversHeapIsSparkDriverMemoryAndNothingElse() {
        List<HasMetadata> docs = Chart.render();
        assertThat(ChartTest.sparkConf(docs)).containsEntry("spark.driver.memory", "1g");
        Container c = Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        String javaOpts = c.getEnv().stream().filter(e -> e.getName().equals("JAVA_OPTS")).findFirst().orElseThrow()
                .getValue();
        assertThat(javaOpts).doesNotContain("-Xmx").doesNotContain("RAMPercentage");
        assertThat(ChartTest.sparkConf(render(Map.of("spark.driver.memory", "1100m"))))
                .containsEntry("spark.driver.memory", "1100m");
        // One way to set it: a spark.conf entry would bypass the limit check (and the operator's driver.memory).
        for (String mode : List.of("driver", "spark-operator")) {
            assertThatThrownBy(() -> render(Map.of("spark.mode", mode, "spark.conf.spark\\.driver\\.memory", "2g")))
                    .as(mode).hasMessageContaining("spark.conf must not set spark.driver.memory");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "1g, 1536Mi, true", "1100m, 1536Mi, true", "1200m, 1536Mi, false",
            "3g, 4Gi, true", "3800m, 4Gi, false",
            // Above 3840m the overhead is 10% of the heap, not 384Mi.
            "8g, 8704Mi, false", "8g, 9Gi, true", "1g, 1.5Gi, true", "1g, 1500M, true", "1g, 1400M, false"})
    void aHeapThatLeavesNoRoomForOffHeapMemoryIsRefused(String heap, String limit, boolean fits) {
        Map<String, Object> sets = Map.of("spark.driver.memory", heap, "spark.driver.resources.limits.memory", limit);
        if (fits) {
            assertThat(ChartTest.sparkConf(render(sets))).containsEntry("spark.driver.memory", heap);
        } else {
            assertThatThrownBy(() -> render(sets)).hasMessageContaining("spark.driver.memory (" + heap + ")")
                    .hasMessageContaining("does not fit in spark.driver.resources.limits.memory (" + limit + ")");
        }
    }

    private static List<HasMetadata> render(Map<String, Object> sets) {
        return Chart.parse(Chart.template(List.of(), sets));
    }

    private static PodAffinityTerm requiredTerm(Affinity affinity) {
        assertThat(affinity).as("affinity").isNotNull();
        assertThat(affinity.getPodAffinity()).as("podAffinity").isNotNull();
        List<PodAffinityTerm> terms = affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        assertThat(terms).as("required pod affinity terms").hasSize(1);
        return terms.get(0);
    }

    private static String claimMountedAt(PodSpec spec, Container c, String path) {
        VolumeMount m = c.getVolumeMounts().stream().filter(x -> x.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " mounts nothing at " + path));
        assertThat(m.getReadOnly()).as("%s writes %s", c.getName(), path).isNotEqualTo(Boolean.TRUE);
        Volume v = spec.getVolumes().stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
        assertThat(v.getPersistentVolumeClaim()).as("volume %s is a claim", v.getName()).isNotNull();
        return v.getPersistentVolumeClaim().getClaimName();
    }
}
