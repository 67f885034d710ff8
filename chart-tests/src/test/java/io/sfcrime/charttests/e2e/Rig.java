package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code make e2e} rig: the chart's pods and Spark's executor pods as real podman containers on this machine,
 * against kafka-local and fabric8's mock API server. {@link #run} reads as its steps: check the tools and images,
 * render the chart, remove what an interrupted earlier run left, start Kafka and the API server, apply the chart's
 * objects, start the pod runner, play the scenario, check the driver's requests against its Role, clean up.
 * Clean-up always runs (also on failure, and from a shutdown hook on Ctrl-C) and is verified.
 */
public final class Rig {
    static final String NODE_IP = "127.0.0.1";
    static final String NODE_NAME = "e2e-node";

    private final RigSettings settings;
    private final RigLog log;
    private final Verdict verdict = new Verdict();
    private final Podman podman;
    private Release release;
    private KafkaLocalExtension kafka;
    private MockApi apiServer;
    private KubernetesClient api;
    private PodRunner runner;
    private boolean cleanedUp;

    public Rig(RigSettings settings, RigLog log) {
        this.settings = settings;
        this.log = log;
        this.podman = new Podman(settings.workDir());
    }

    public Verdict run(Scenario scenario) {
        Instant deadline = Instant.now().plus(settings.timeout());
        Thread hook = new Thread(this::cleanUp, "e2e-clean-up");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            checkTools();
            render(scenario);
            removeEarlierRun();
            checkPorts();
            loadImages();
            startKafka();
            startApiServer();
            applyChart();
            startPodRunner();
            scenario.play(new Stage(release, api, runner, podman, verdict, log, deadline, settings.workDir()));
        } catch (Stage.Failure | Commands.CommandFailed | IllegalStateException | IllegalArgumentException e) {
            verdict.fail(e.getMessage());
        } catch (Exception e) {
            verdict.fail(e.toString());
        } finally {
            if (runner != null) {
                runner.close();
            }
            if (apiServer != null) {
                new DriverRequests(release, apiServer, log, settings.workDir()).check(verdict);
            }
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        log.say("done in " + log.elapsed().toSeconds() + " s; logs in " + settings.workDir());
        return verdict;
    }

    /** podman, runc and skopeo on the PATH, the three image tars built. */
    private void checkTools() {
        for (String tool : List.of("podman", "runc", "skopeo")) {
            if (!Commands.exec(List.of("sh", "-c", "command -v " + tool), Map.of(), 30).ok()) {
                throw new IllegalStateException(tool + " is not installed (apt-get install podman runc skopeo)");
            }
        }
    }

    private void render(Scenario scenario) {
        List<Path> values = new ArrayList<>(List.of(settings.values()));
        scenario.values().forEach(f -> values.add(settings.scenarioValues(f)));
        release = Release.render(settings.chart(), settings.release(), settings.namespace(), values);
        log.say("rendered the chart (release " + release.name() + ", namespace " + release.namespace() + ") with "
                + values.stream().map(p -> settings.root().relativize(p).toString()).toList());
    }

    /** Pods, containers and volumes left by an interrupted run (found by the rig's label and the claim names). */
    private void removeEarlierRun() throws IOException {
        List<String> stale = new ArrayList<>(podman.podsLabelled(KubePlay.RIG_LABEL, release.name()));
        for (String pod : stale) {
            podman.removePod(pod);
        }
        podman.removeContainersLabelled(KubePlay.RIG_LABEL, release.name());
        for (PersistentVolumeClaim c : release.claims()) {
            if (podman.volumeExists(c.getMetadata().getName())) {
                podman.removeVolume(c.getMetadata().getName());
                stale.add("volume " + c.getMetadata().getName());
            }
        }
        if (!stale.isEmpty()) {
            log.say("removed what an earlier run left: " + stale);
        }
        delete(settings.workDir().resolve("pods"));
        delete(settings.workDir().resolve("reference"));
        delete(settings.workDir().resolve("logs"));
    }

    /** Every port of the rig, from the rendered chart and the settings, must be free before anything starts. */
    private void checkPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("Kafka (kafka.externalBootstrap)", Integer.parseInt(release.bootstrap().replaceAll(".*:", "")));
        ports.put("Kafka's controller (E2E_KAFKA_CONTROLLER_PORT)", settings.kafkaControllerPort());
        ports.put("the API server (spark.apiServer)", release.apiServer().getPort());
        var conf = release.sparkConf();
        for (String key : List.of("spark.driver.port", "spark.driver.blockManager.port", "spark.ui.port")) {
            ports.put(key, Integer.parseInt(conf.getProperty(key)));
        }
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(NODE_IP), p.getValue()));
            } catch (IOException e) {
                throw new IllegalStateException("port " + p.getValue() + " of " + p.getKey() + " is in use; choose "
                        + "another in " + settings.values() + " (or the make variable)");
            }
        }
    }

    /**
     * Copies each image tar the pods use into podman's storage under the name the rendered chart gives it (the rig's
     * own prefix, so no other tag moves); kept after the run, so the next run copies only what changed.
     */
    private void loadImages() {
        Set<String> wanted = new LinkedHashSet<>();
        for (HasMetadata o : release.objects()) {
            podSpec(o).ifPresent(spec -> spec.getContainers().forEach(c -> wanted.add(c.getImage())));
        }
        wanted.add(release.sparkConf().getProperty("spark.kubernetes.container.image"));
        for (String image : wanted) {
            String module = image.replaceAll(":[^:/]*$", "").replaceAll(".*/", "");
            Path tar = settings.root().resolve(module).resolve("target/jib-image.tar");
            if (!Files.isRegularFile(tar)) {
                throw new IllegalStateException(tar + " is missing: run make images-offline first");
            }
            log.say((podman.loadImage(tar, image) ? "loaded " : "already loaded: ") + image + " from " + tar);
        }
    }

    private void startKafka() {
        int port = Integer.parseInt(release.bootstrap().replaceAll(".*:", ""));
        kafka = new KafkaLocalExtension().withPorts(port, settings.kafkaControllerPort())
                .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);
        kafka.start();
        log.say("kafka-local ready at " + kafka.bootstrap());
    }

    private void startApiServer() throws Exception {
        Rbac rbac = new Rbac(release.roles(), release.roleBindings());
        rbac.problems().forEach(verdict::fail);
        apiServer = new MockApi(settings.workDir().resolve("api"), NODE_IP, release.apiServer().getPort(), rbac);
        api = apiServer.adminClient(release.namespace());
        log.say("API server (fabric8 mock, CRUD, HTTPS, RBAC from the rendered Roles) at " + apiServer.url()
                + ", as " + release.apiServer() + " in the pods");
    }

    /** The release's namespaced objects, plus what every cluster has: the namespace, the kubernetes Service. */
    private void applyChart() {
        api.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(release.namespace())
                .endMetadata().build()).create();
        api.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("kubernetes")
                .withNamespace("default").endMetadata().withNewSpec().withClusterIP(NODE_IP).addNewPort()
                .withName("https").withPort(release.apiServer().getPort()).endPort().endSpec().build()).create();
        for (HasMetadata o : release.objects()) {
            if (o instanceof PersistentVolumeClaim pvc) {
                // Bound at once, as a default storage class with immediate binding does.
                pvc.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound")
                        .withAccessModes(pvc.getSpec().getAccessModes())
                        .withCapacity(pvc.getSpec().getResources().getRequests()).build());
            }
            api.resource(o).inNamespace(release.namespace()).create();
        }
        log.say("applied " + release.objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
    }

    private void startPodRunner() throws IOException {
        KubePlay.Node node = new KubePlay.Node(NODE_NAME, NODE_IP, NODE_IP, release.apiServer().getPort(), release.name());
        runner = new PodRunner(api, release.namespace(), podman, node,
                (ns, sa) -> apiServer.tokenFor(Rbac.serviceAccountUser(ns, sa)), Files.readAllBytes(apiServer.caCert()),
                settings.workDir(), log);
        runner.start();
    }

    /** Removes everything the run made and checks that nothing of it is left. Idempotent. */
    private synchronized void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        if (runner != null) {
            runner.close();
        }
        if (release != null) {
            podman.podsLabelled(KubePlay.RIG_LABEL, release.name()).forEach(podman::removePod);
            podman.removeContainersLabelled(KubePlay.RIG_LABEL, release.name());
            release.claims().forEach(c -> podman.removeVolume(c.getMetadata().getName()));
        }
        if (kafka != null) {
            kafka.close();
        }
        if (api != null) {
            api.close();
        }
        try {
            if (apiServer != null) {
                apiServer.close();
            }
            delete(settings.workDir().resolve("pods"));
        } catch (IOException e) {
            verdict.fail("clean-up: " + e.getMessage());
        }
        if (release != null) {
            List<String> left = new ArrayList<>(podman.podsLabelled(KubePlay.RIG_LABEL, release.name()));
            podman.containersLabelled(KubePlay.RIG_LABEL, release.name()).forEach(c -> left.add(c.path("Name").asText()));
            release.claims().stream().map(c -> c.getMetadata().getName()).filter(podman::volumeExists)
                    .forEach(v -> left.add("volume " + v));
            if (!left.isEmpty()) {
                verdict.fail("clean-up left " + left);
            }
        }
        log.say("cleaned up: the run's pods, containers and volumes are removed (its images stay tagged for the next run)");
    }

    private static Optional<PodSpec> podSpec(HasMetadata o) {
        if (o instanceof Deployment d) {
            return Optional.of(d.getSpec().getTemplate().getSpec());
        }
        if (o instanceof Job j) {
            return Optional.of(j.getSpec().getTemplate().getSpec());
        }
        return Optional.empty();
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
