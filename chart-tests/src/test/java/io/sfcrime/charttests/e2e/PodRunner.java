package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The rig's kubelet (and its one-node scheduler): a sync loop over the pods of the namespace in the API, run on
 * every change its watch sees and every two seconds. A new pod
 * is bound to the node when its hard scheduling constraints hold, prepared by {@link KubePlay} and run with
 * {@code podman kube play}; its status (phase, container states and exit codes, readiness from its probe) is written
 * back after every change; a pod deleted from the API, or marked for deletion, is stopped with its grace period
 * (SIGTERM, then SIGKILL) and removed, its logs kept in {@code logs/}. A pod marked for deletion is removed from the
 * API once its containers are gone, as the kubelet's final delete does.
 */
public final class PodRunner implements AutoCloseable {
    /** How one container ended: its exit code and the file its output was saved to. */
    public record Ended(String pod, String container, int exitCode, Path log) {
    }

    private record Played(Pod pod, KubePlay.Plan plan, Instant started) {
    }

    private final KubernetesClient api;
    private final String namespace;
    private final Podman podman;
    private final KubePlay.Node node;
    private final Map<String, String> nodeLabels;
    private final KubePlay.Lookup lookup;
    private final Map<String, String> podIps = new ConcurrentHashMap<>();
    private final Path podsDir;
    private final Path logsDir;
    private final RigLog log;
    private final Map<String, Played> played = new ConcurrentHashMap<>();
    private final Map<String, String> lastStatus = new ConcurrentHashMap<>();
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final Set<String> endings = new HashSet<>();
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    private final Set<String> rewrites = new LinkedHashSet<>();
    private final List<Ended> ended = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "e2e-kubelet"));
    private final ExecutorService stopper = Executors.newCachedThreadPool(r -> daemon(r, "e2e-kubelet-stop"));
    private Watch watch;

    /**
     * @param tokens the API server's token for a ServiceAccount (namespace, name), for the token projection
     * @param caCert the API server's CA certificate (PEM), for the same
     */
    public PodRunner(KubernetesClient api, String namespace, Podman podman, KubePlay.Node node,
                     BiFunction<String, String, String> tokens, byte[] caCert, Path workDir, RigLog log) {
        this.api = api;
        this.namespace = namespace;
        this.podman = podman;
        this.node = node;
        this.nodeLabels = Map.of("kubernetes.io/hostname", node.name(), "kubernetes.io/os", "linux");
        this.lookup = new ClusterLookup(api, podIps, tokens, caCert);
        this.podsDir = workDir.resolve("pods");
        this.logsDir = workDir.resolve("logs");
        this.log = log;
    }

    /** Syncs on every change of a pod in the namespace (a watch), and every two seconds in any case. */
    public void start() {
        watch = api.pods().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                try {
                    loop.execute(PodRunner.this::syncQuietly);
                } catch (RejectedExecutionException e) {
                    // closing: no more syncs
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                log.say("pod watch closed (" + cause.getMessage() + "); the periodic sync goes on");
            }
        });
        loop.scheduleWithFixedDelay(this::syncQuietly, 0, 2, TimeUnit.SECONDS);
    }

    /** Problems that end the run: a pod spec the rig cannot run, podman refusing a pod. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Every container that has exited so far (pods still running included). */
    public synchronized List<Ended> ended() {
        return List.copyOf(ended);
    }

    /** Every rewrite made to any pod so far, each once. */
    public synchronized List<String> rewrites() {
        return List.copyOf(rewrites);
    }

    /** The address the runner gave the pod (its status.podIP), if it has been bound to the node. */
    public Optional<String> podIp(String pod) {
        return Optional.ofNullable(podIps.get(pod));
    }

    public boolean isRunning(String pod) {
        return played.containsKey(pod) && !stopping.contains(pod);
    }

    public boolean isGone(String pod) {
        return !played.containsKey(pod) && !stopping.contains(pod);
    }

    /** The host pid of a running container's main process (for jcmd), if running. */
    public Optional<Long> hostPid(String pod, String container) {
        for (JsonNode c : podman.containersLabelled(KubePlay.RIG_LABEL, node.rig())) {
            if (c.path("Name").asText().equals(pod + "-" + container) && c.path("State").path("Running").asBoolean()) {
                return Optional.of(c.path("State").path("Pid").asLong());
            }
        }
        return Optional.empty();
    }

    public String logs(String pod, String container) {
        return podman.logs(pod + "-" + container);
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String pod : new ArrayList<>(played.keySet())) {
            stop(pod, 5, false);
        }
        stopper.shutdown();
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            if (!loop.isShutdown()) {
                log.say("kubelet sync failed (retrying): " + e);
            }
        }
    }

    private void sync() {
        List<Pod> pods = api.pods().inNamespace(namespace).list().getItems();
        Map<String, Map<String, JsonNode>> containers = new HashMap<>();
        for (JsonNode c : podman.containersLabelled(KubePlay.RIG_LABEL, node.rig())) {
            String name = c.path("Name").asText();
            for (String pod : played.keySet()) {
                if (name.startsWith(pod + "-")) {
                    containers.computeIfAbsent(pod, k -> new HashMap<>()).put(name.substring(pod.length() + 1), c);
                }
            }
        }
        Set<String> inApi = new HashSet<>();
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            inApi.add(name);
            if (stopping.contains(name)) {
                continue;
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
                terminate(name, grace != null ? grace : grace(pod), true);
            } else if (played.containsKey(name)) {
                report(pod, containers.getOrDefault(name, Map.of()));
            } else if (!isFinished(pod) && !failed.contains(name)) {
                startPod(pod, pods);
            }
        }
        for (String name : played.keySet()) {
            if (!inApi.contains(name) && !stopping.contains(name)) {
                terminate(name, grace(played.get(name).pod()), false);
            }
        }
    }

    private void startPod(Pod pod, List<Pod> all) {
        String name = pod.getMetadata().getName();
        if (pod.getSpec().getNodeName() == null) {
            List<Pod> bound = all.stream().filter(p -> node.name().equals(p.getSpec().getNodeName()))
                    .filter(p -> !isFinished(p)).toList();
            Optional<String> why = Scheduler.unschedulable(pod, nodeLabels, bound);
            if (why.isPresent()) {
                writeStatus(name, PodStatuses.pending(pod, "Unschedulable", "0/1 nodes are available: " + why.get(), false));
                return;
            }
            pod = api.pods().inNamespace(namespace).withName(name).edit(p -> {
                p.getSpec().setNodeName(node.name());
                return p;
            });
        }
        String ip = podIps.computeIfAbsent(name, k -> "127.0.0." + (10 + podIps.size()));
        KubePlay.Plan plan;
        try {
            plan = KubePlay.prepare(pod, node, lookup, podsDir.resolve(name), ip);
        } catch (KubePlay.Unsupported e) {
            fail(name, "CreateContainerConfigError", e.getMessage());
            return;
        }
        if (plan.waiting() != null) {
            writeStatus(name, PodStatuses.pending(pod, "ContainerCreating", plan.waiting(), true));
            return;
        }
        Path file;
        try {
            file = materialize(name, plan);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            for (String r : plan.rewrites()) {
                if (rewrites.add(r)) {
                    log.say("pod runner rewrite: " + r);
                }
            }
        }
        Commands.Result r = podman.exec(300, "kube", "play", file.toString());
        if (!r.ok()) {
            fail(name, "CreateContainerError", "podman kube play failed: " + Commands.tail(r.output(), 800));
            podman.removePod(name);
            return;
        }
        played.put(name, new Played(pod, plan, Instant.now()));
        log.say("pod " + name + " started");
    }

    private Path materialize(String pod, KubePlay.Plan plan) throws IOException {
        Path dir = podsDir.resolve(pod);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : plan.files().entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        for (String d : plan.emptyDirs()) {
            Path p = Files.createDirectories(dir.resolve(d));
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Path yaml = dir.resolve("pod.yaml");
        Files.writeString(yaml, plan.yaml());
        return yaml;
    }

    private void report(Pod pod, Map<String, JsonNode> containers) {
        Played p = played.get(pod.getMetadata().getName());
        Set<String> ready = new HashSet<>();
        for (var c : pod.getSpec().getContainers()) {
            JsonNode i = containers.get(c.getName());
            boolean running = i != null && i.path("State").path("Running").asBoolean();
            boolean probed = p.plan().readiness().stream().filter(r -> r.container().equals(c.getName()))
                    .allMatch(r -> running && (r.command() != null ? execProbe(i.path("Id").asText(), r.command())
                            : Probes.ready(podIps.get(pod.getMetadata().getName()), r)));
            if (running && probed) {
                ready.add(c.getName());
            }
            if (i != null && !i.path("State").path("Running").asBoolean()
                    && i.path("State").path("Status").asText().equals("exited")) {
                recordEnd(pod.getMetadata().getName(), c.getName(), i, null);
            }
        }
        writeStatus(pod.getMetadata().getName(), PodStatuses.of(pod, node.ip(), podIps.get(pod.getMetadata().getName()),
                p.started(), containers, ready));
    }

    /** An exec probe, as the kubelet runs it: the command in the running container, ready when it exits 0. */
    private boolean execProbe(String containerId, List<String> command) {
        List<String> args = new ArrayList<>(List.of("exec", containerId));
        args.addAll(command);
        return podman.exec(10, args.toArray(String[]::new)).ok();
    }

    /** Stops and removes the pod's containers in the background; {@code deleteObject}: then remove it from the API. */
    private void terminate(String name, long grace, boolean deleteObject) {
        if (!stopping.add(name)) {
            return;
        }
        stopper.submit(() -> {
            try {
                stop(name, grace, deleteObject);
            } finally {
                stopping.remove(name);
            }
        });
    }

    private void stop(String name, long grace, boolean deleteObject) {
        Played p = played.get(name);
        if (p != null) {
            podman.stopPod(name, grace);
            Map<String, JsonNode> last = new HashMap<>();
            for (JsonNode c : podman.containersLabelled(KubePlay.RIG_LABEL, node.rig())) {
                String cname = c.path("Name").asText();
                if (cname.startsWith(name + "-")) {
                    last.put(cname.substring(name.length() + 1), c);
                }
            }
            for (var c : p.pod().getSpec().getContainers()) {
                Path file = saveLogs(name, c.getName());
                JsonNode i = last.get(c.getName());
                if (i != null) {
                    recordEnd(name, c.getName(), i, file);
                }
            }
            if (deleteObject) {
                writeStatus(name, PodStatuses.of(p.pod(), node.ip(), podIps.get(name), p.started(), last, Set.of()));
            }
            podman.removePod(name);
            played.remove(name);
            log.say("pod " + name + " stopped and removed");
        }
        if (deleteObject) {
            api.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        }
    }

    private Path saveLogs(String pod, String container) {
        try {
            Files.createDirectories(logsDir);
            Path file = logsDir.resolve(pod + "-" + container + ".log");
            Files.writeString(file, podman.logs(pod + "-" + container));
            return file;
        } catch (IOException e) {
            return null;
        }
    }

    private synchronized void recordEnd(String pod, String container, JsonNode inspect, Path logFile) {
        int code = inspect.path("State").path("ExitCode").asInt();
        String finished = inspect.path("State").path("FinishedAt").asText();
        if (endings.add(pod + "/" + container + "/" + finished)) {
            ended.add(new Ended(pod, container, code, logFile));
        } else if (logFile != null) {
            ended.replaceAll(e -> e.pod().equals(pod) && e.container().equals(container) && e.log() == null
                    ? new Ended(pod, container, e.exitCode(), logFile) : e);
        }
    }

    private void fail(String pod, String reason, String message) {
        synchronized (this) {
            problems.add("pod " + pod + ": " + reason + ": " + message);
        }
        failed.add(pod);
        writeStatus(pod, PodStatuses.failed(reason, message));
        log.say("pod " + pod + " cannot run: " + reason + ": " + message);
    }

    private void writeStatus(String name, PodStatus status) {
        String sig = PodStatuses.signature(status);
        if (sig.equals(lastStatus.get(name))) {
            return;
        }
        Pod current = api.pods().inNamespace(namespace).withName(name).get();
        if (current == null) {
            return;
        }
        current.setStatus(status);
        api.pods().inNamespace(namespace).resource(current).updateStatus();
        lastStatus.put(name, sig);
    }

    private static boolean isFinished(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static long grace(Pod p) {
        Long g = p.getSpec().getTerminationGracePeriodSeconds();
        return g == null ? 30 : g;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
