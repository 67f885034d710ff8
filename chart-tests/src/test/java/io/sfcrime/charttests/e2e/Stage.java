package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What a scenario can do with the running rig, each step a short wait on something observable: the producer
 * Job runs to completion, the driver starts and gets its executors, the checkpoint covers the topic, a tuning
 * change applies, the driver stops on SIGTERM. Every wait also watches for what ends the run early (a pod the rig
 * cannot run, a failed task, an executor or driver that exits) and fails with the error lines of the logs.
 */
public final class Stage {
    static final String EXECUTOR_LABEL = "spark-role";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failure that ends the scenario; its message goes into the verdict. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failure(String message) {
            super(message);
        }
    }

    private final Release release;
    private final KubernetesClient api;
    private final PodRunner runner;
    private final Podman podman;
    private final Controllers controllers;
    private final Verdict verdict;
    private final RigLog log;
    private final Instant deadline;
    private final Path workDir;
    private String driverPod;
    private boolean driverStopping;

    Stage(Release release, KubernetesClient api, PodRunner runner, Podman podman, Verdict verdict, RigLog log,
          Instant deadline, Path workDir) {
        this.release = release;
        this.api = api;
        this.runner = runner;
        this.podman = podman;
        this.controllers = new Controllers(api, release.namespace());
        this.verdict = verdict;
        this.log = log;
        this.deadline = deadline;
        this.workDir = workDir;
    }

    public Release release() {
        return release;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** The rig's work directory, where a scenario keeps what it measured. */
    public Path workDir() {
        return workDir;
    }

    public void step(String what) {
        log.say(what);
    }

    /** The chart's producer Job: its pod runs to completion (the Job's restart policy applies). */
    public void runProducerJob() {
        Pod pod = controllers.start(release.producer());
        String name = pod.getMetadata().getName();
        awaitProducer(name, Duration.ofMinutes(3), () -> { });
        step("producer Job done (pod " + name + ")");
    }

    /**
     * A producer pod runs to completion: Succeeded within {@code max}, failing with its log's errors if it fails;
     * {@code eachPoll} runs at every poll (once a second).
     */
    public void awaitProducer(String name, Duration max, Runnable eachPoll) {
        await("producer pod " + name + " to succeed", max, () -> {
            eachPoll.run();
            String phase = phase(name);
            if ("Failed".equals(phase)) {
                throw new Failure("producer pod " + name + " failed: " + errors(name, "producer"));
            }
            return "Succeeded".equals(phase) ? Optional.of(true) : Optional.empty();
        });
    }

    /**
     * One step of a producer plan: a pod of the chart's producer Job with some of its options replaced (for
     * example {@code --rate 200 --loop forever}); it runs until it ends or {@link #deletePod} stops it.
     */
    public String startProducer(Map<String, String> options) {
        Pod pod = controllers.start(release.producer(), spec -> {
            List<String> args = new ArrayList<>(spec.getContainers().get(0).getArgs());
            options.forEach((option, value) -> {
                int i = args.indexOf(option);
                if (i >= 0 && i + 1 < args.size()) {
                    args.set(i + 1, value);
                } else {
                    args.addAll(List.of(option, value));
                }
            });
            spec.getContainers().get(0).setArgs(args);
            return spec;
        });
        step("producer pod " + pod.getMetadata().getName() + " started with " + options);
        return pod.getMetadata().getName();
    }

    /** Deletes a pod (gracefully, as kubectl does) and waits until the runner has stopped and removed it. */
    public void deletePod(String name) {
        api.pods().inNamespace(release.namespace()).withName(name).delete();
        await("pod " + name + " to be deleted", Duration.ofMinutes(2), () -> runner.isGone(name)
                && api.pods().inNamespace(release.namespace()).withName(name).get() == null
                ? Optional.of(true) : Optional.empty());
    }

    /** The driver Deployment's pod, until it runs and its readiness probe passes. */
    public String startDriver() {
        driverPod = controllers.rollOut(release.driver()).getMetadata().getName();
        await("driver pod " + driverPod + " to be ready", Duration.ofMinutes(3), () -> {
            Pod p = api.pods().inNamespace(release.namespace()).withName(driverPod).get();
            boolean ready = p != null && p.getStatus() != null && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
            return ready ? Optional.of(true) : Optional.empty();
        });
        step("driver pod " + driverPod + " is ready");
        return driverPod;
    }

    /** Executor pods created by the driver, running, and registered with it (Spark's REST API says so). */
    public int awaitExecutors(int expected) {
        int registered = await(expected + " executors running and registered with the driver", Duration.ofMinutes(3),
                () -> {
                    long running = executorPods().stream().filter(p -> "Running".equals(phaseOf(p))).count();
                    Optional<Probes.Executors> e = Probes.executors(driverIp(), uiPort());
                    return running >= expected && e.isPresent() && e.get().active() >= expected
                            ? Optional.of(e.get().active()) : Optional.empty();
                });
        verdict.executors(registered);
        step(registered + " executor pods run and are registered: " + executorPods().stream()
                .map(p -> p.getMetadata().getName()).toList());
        return registered;
    }

    /** Every query's latest committed batch covers the input topic's end offsets. */
    public void awaitDrained() {
        String topic = release.driverArg("--topic").orElseThrow();
        Map<Integer, Long> end = Probes.endOffsets(release.bootstrap(), topic);
        Path checkpoint = hostPathOf(release.driverArg("--checkpoint").orElseThrow());
        step("waiting for the checkpoint to commit " + topic + " up to " + end);
        await("the checkpoint to cover " + topic + " " + end, Duration.ofMinutes(4), () -> {
            try {
                Map<String, Map<Integer, Long>> committed = Probes.committedOffsets(checkpoint, topic);
                boolean done = !committed.isEmpty() && committed.values().stream().allMatch(o -> end.entrySet()
                        .stream().allMatch(e -> o.getOrDefault(e.getKey(), -1L) >= e.getValue()));
                return done ? Optional.of(committed) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
        Probes.executors(driverIp(), uiPort()).ifPresent(e -> step("drained: executors completed " + e.completedTasks()
                + " tasks, " + e.failedTasks() + " failed"));
    }

    /** The driver JVM's effective max heap equals the chart's spark.driver.memory. */
    public void checkDriverHeap() {
        String memory = release.sparkConf().getProperty("spark.driver.memory");
        String container = release.driverContainer().getName();
        long pid = runner.hostPid(driverPod, container).orElseThrow(() -> new Failure("driver container not running"));
        long actual = Probes.maxHeapBytes(pid);
        if (memory == null) {
            verdict.fail("the chart sets no spark.driver.memory: the driver's heap (" + actual / (1 << 20)
                    + " MiB) is whatever the JVM picks");
            return;
        }
        long expected = Probes.bytes(memory);
        // HotSpot aligns the heap size up to its heap alignment (at most a few MiB).
        if (actual < expected || actual - expected > 4L << 20) {
            verdict.fail("driver max heap is " + actual + " bytes, the chart says spark.driver.memory=" + memory
                    + " (" + expected + " bytes)");
        }
        step("driver max heap " + actual / (1 << 20) + " MiB (spark.driver.memory=" + memory + ")");
    }

    /** A live tuning key changed in the tuning ConfigMap: applied by the running driver, status and Event written. */
    public void retuneLive(String key, String value) {
        String tuning = release.tuning().getMetadata().getName();
        String status = env("SFCRIME_STATUS_CONFIGMAP");
        api.configMaps().inNamespace(release.namespace()).withName(tuning).edit(cm -> {
            cm.getData().put(key, value);
            return cm;
        });
        await("the driver to apply " + key + "=" + value, Duration.ofMinutes(1), () -> {
            ConfigMap cm = api.configMaps().inNamespace(release.namespace()).withName(status).get();
            String applied = cm == null || cm.getData() == null ? null : cm.getData().get("applied");
            try {
                return applied != null && value.equals(JSON.readTree(applied).path(key).asText())
                        ? Optional.of(true) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
        boolean event = api.v1().events().inNamespace(release.namespace()).list().getItems().stream()
                .anyMatch(e -> driverPod.equals(e.getInvolvedObject().getName()) && "TuningApplied".equals(e.getReason()));
        if (!event) {
            verdict.fail("the driver applied " + key + "=" + value + " but recorded no TuningApplied Event");
        }
        step("the driver applied " + key + "=" + value + " live (status " + status + ", Event TuningApplied)");
    }

    /**
     * Deletes the driver pod as kubectl would (graceful: SIGTERM, its grace period, then SIGKILL), with the
     * Deployment scaled to zero; returns where its report is on the node. The driver must exit 0.
     */
    public Path stopDriver() {
        controllers.scaleToZero(release.driver());
        driverStopping = true;
        api.pods().inNamespace(release.namespace()).withName(driverPod).delete();
        await("driver pod " + driverPod + " to stop", Duration.ofMinutes(2),
                () -> runner.isGone(driverPod) && api.pods().inNamespace(release.namespace()).withName(driverPod)
                        .get() == null ? Optional.of(true) : Optional.empty());
        String container = release.driverContainer().getName();
        PodRunner.Ended end = runner.ended().stream().filter(e -> e.pod().equals(driverPod) && e.container().equals(container))
                .reduce((a, b) -> b).orElseThrow(() -> new Failure("no exit recorded for the driver"));
        if (end.exitCode() != 0) {
            throw new Failure("driver exited with code " + end.exitCode() + " after SIGTERM: " + errors(driverPod, container));
        }
        step("driver stopped on SIGTERM with exit code 0");
        String report = release.driverArg("--report").orElseThrow(() -> new Failure("the driver is given no --report"));
        return hostPathOf(report);
    }

    /**
     * The driver's report against the local-mode reference on the same input topic, with the tuning the driver
     * ended with: {@code report=equal} in the verdict, or each differing field.
     */
    public void compareWithLocalMode(Path clusterReport) throws IOException {
        if (!Files.exists(clusterReport)) {
            verdict.report("missing");
            throw new Failure("the driver wrote no report at " + clusterReport);
        }
        Path kept = Files.copy(clusterReport, workDir.resolve("cluster-report.json"), StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> tuning = api.configMaps().inNamespace(release.namespace())
                .withName(release.tuning().getMetadata().getName()).get().getData();
        step("local-mode reference run of the same image on the same topic");
        long left = Math.max(30, Duration.between(Instant.now(), deadline).toSeconds());
        Path local = LocalReference.run(podman, release, tuning, workDir.resolve("reference"), rigLabel(), left);
        List<String> diff = LocalReference.differences(kept, local);
        verdict.report(diff.isEmpty() ? "equal" : "differs");
        if (!diff.isEmpty()) {
            verdict.fail("the report differs from local mode: " + String.join("; ", diff));
        }
        step("report " + (diff.isEmpty() ? "equals" : "differs from") + " the local-mode report (" + kept + ", " + local + ")");
    }

    private String rigLabel() {
        return release.name();
    }

    /** Executors the driver has registered and still active (Spark's REST API); empty when it does not answer. */
    public Optional<Integer> registeredExecutors() {
        return Probes.executors(driverIp(), uiPort()).map(Probes.Executors::active);
    }

    /** Reasons and messages of the Events about the driver pod, oldest first. */
    public List<String> driverEvents() {
        return api.v1().events().inNamespace(release.namespace()).list().getItems().stream()
                .filter(e -> driverPod != null && driverPod.equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    /** The data of the driver's status ConfigMap (SFCRIME_STATUS_CONFIGMAP), empty before it writes one. */
    public Map<String, String> statusData() {
        ConfigMap cm = api.configMaps().inNamespace(release.namespace()).withName(env("SFCRIME_STATUS_CONFIGMAP")).get();
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }

    /** Executor pods of the release in the API. */
    public List<Pod> executorPods() {
        return api.pods().inNamespace(release.namespace()).withLabel(EXECUTOR_LABEL, "executor").list().getItems();
    }

    /** Where a path of the driver container on its persistent volume is on this node. */
    public Path hostPathOf(String containerPath) {
        String[] claim = release.driverClaimPath(containerPath)
                .orElseThrow(() -> new Failure(containerPath + " is not on a persistent volume of the driver"));
        Path mount = podman.volumeMountpoint(claim[0])
                .orElseThrow(() -> new Failure("no podman volume for claim " + claim[0]));
        return claim[1].isEmpty() ? mount : mount.resolve(claim[1]);
    }

    /**
     * Polls every second until {@code poll} yields, failing on timeout (or the run's deadline) and whenever the
     * watchdog sees the run cannot succeed any more.
     */
    public <T> T await(String what, Duration max, Supplier<Optional<T>> poll) {
        Instant until = Instant.now().plus(max).isBefore(deadline) ? Instant.now().plus(max) : deadline;
        while (true) {
            watchdog();
            Optional<T> r = poll.get();
            if (r.isPresent()) {
                return r.get();
            }
            if (Instant.now().isAfter(until)) {
                throw new Failure("timed out after " + max.toSeconds() + " s waiting for " + what + " (" + state() + ")");
            }
            try {
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure("interrupted while waiting for " + what);
            }
        }
    }

    /** What ends the run early: pods the rig cannot run, failed tasks, executors or a driver that exit. */
    private void watchdog() {
        List<String> problems = runner.problems();
        if (!problems.isEmpty()) {
            throw new Failure(String.join("; ", problems));
        }
        for (Pod p : executorPods()) {
            String name = p.getMetadata().getName();
            if (p.getMetadata().getDeletionTimestamp() != null) {
                continue; // being deleted: a SIGTERM exit is expected
            }
            if ("Failed".equals(phaseOf(p))) {
                throw new Failure("executor pod " + name + " failed: " + errors(name, "spark-kubernetes-executor"));
            }
            if (p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Unschedulable".equals(c.getReason()))
                    && Duration.between(Instant.parse(p.getMetadata().getCreationTimestamp()), Instant.now()).toSeconds() > 20) {
                throw new Failure("executor pod " + name + " cannot be scheduled: " + p.getStatus().getConditions().get(0)
                        .getMessage());
            }
        }
        if (driverPod != null && !driverStopping) {
            runner.ended().stream().filter(e -> e.pod().equals(driverPod)).findFirst().ifPresent(e -> {
                throw new Failure("driver exited with code " + e.exitCode() + ": " + errors(driverPod, e.container()));
            });
            Probes.executors(driverIp(), uiPort()).filter(e -> e.failedTasks() > 0).ifPresent(e -> {
                throw new Failure(e.failedTasks() + " task(s) failed: " + Probes.failedTasks(driverIp(), uiPort())
                        + "; executor logs: " + executorErrors());
            });
        }
    }

    private String executorErrors() {
        return executorPods().stream().map(p -> p.getMetadata().getName() + ": "
                + errors(p.getMetadata().getName(), "spark-kubernetes-executor")).collect(Collectors.joining(" / "));
    }

    /** The error lines of a container's log (running, or saved when its pod was removed). */
    public String errors(String pod, String container) {
        String text = runner.ended().stream().filter(e -> e.pod().equals(pod) && e.log() != null).map(e -> {
            try {
                return Files.readString(e.log());
            } catch (IOException x) {
                return "";
            }
        }).findFirst().orElseGet(() -> runner.logs(pod, container));
        List<String> lines = Probes.errorLines(text, 4);
        return lines.isEmpty() ? "(no error lines in its log)" : String.join(" | ", lines);
    }

    private String state() {
        return "pods: " + api.pods().inNamespace(release.namespace()).list().getItems().stream()
                .map(p -> p.getMetadata().getName() + "=" + phaseOf(p)).collect(Collectors.joining(", "));
    }

    private String phase(String pod) {
        Pod p = api.pods().inNamespace(release.namespace()).withName(pod).get();
        return p == null ? null : phaseOf(p);
    }

    private static String phaseOf(Pod p) {
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    /** The driver pod's address (its status.podIP), where its UI answers. */
    private String driverIp() {
        return runner.podIp(driverPod).orElse(Rig.NODE_IP);
    }

    private int uiPort() {
        return Integer.parseInt(release.sparkConf().getProperty("spark.ui.port"));
    }

    private String env(String name) {
        return release.driverContainer().getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .map(e -> e.getValue()).orElseThrow(() -> new Failure("the driver has no env " + name));
    }
}
