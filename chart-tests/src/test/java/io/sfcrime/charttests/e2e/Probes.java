package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * What the rig reads off the running system, each the way an operator would: the driver's Spark UI REST API
 * (executors and failed tasks), the checkpoint on its volume (which offsets each query has committed), Kafka's end
 * offsets, the JVM's own flags through jcmd (the driver's effective max heap), a pod's readiness probe, and the
 * error lines of a container log.
 */
public final class Probes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Executors the driver knows (the driver itself excluded), with their task counts. */
    public record Executors(int registered, int active, long completedTasks, long failedTasks) {
    }

    private Probes() {
    }

    public static Optional<Executors> executors(String host, int uiPort) {
        return app(host, uiPort).flatMap(app -> get(host, uiPort, "/api/v1/applications/" + app + "/allexecutors"))
                .map(all -> {
                    int registered = 0;
                    int active = 0;
                    long done = 0;
                    long failed = 0;
                    for (JsonNode e : all) {
                        if (e.path("id").asText().equals("driver")) {
                            continue;
                        }
                        registered++;
                        active += e.path("isActive").asBoolean() ? 1 : 0;
                        done += e.path("completedTasks").asLong();
                        failed += e.path("failedTasks").asLong();
                    }
                    return new Executors(registered, active, done, failed);
                });
    }

    /** The error of each failed task (stage, task, first lines of the error), in stage order. */
    public static List<String> failedTasks(String host, int uiPort) {
        List<String> out = new ArrayList<>();
        Optional<String> app = app(host, uiPort);
        if (app.isEmpty()) {
            return out;
        }
        String base = "/api/v1/applications/" + app.get() + "/stages";
        get(host, uiPort, base).ifPresent(stages -> stages.forEach(s -> {
            if (s.path("numFailedTasks").asInt() > 0) {
                String stage = s.path("stageId").asText() + "/" + s.path("attemptId").asText();
                get(host, uiPort, base + "/" + stage + "/taskList?status=FAILED").ifPresent(tasks -> tasks.forEach(t ->
                        out.add("stage " + stage + " task " + t.path("index").asText() + ": " + t.path("errorMessage")
                                .asText().lines().limit(2).reduce((a, b) -> a + " | " + b).orElse(""))));
            }
        }));
        return out;
    }

    private static Optional<String> app(String host, int uiPort) {
        return get(host, uiPort, "/api/v1/applications").filter(a -> a.size() > 0).map(a -> a.get(0).path("id").asText());
    }

    private static Optional<JsonNode> get(String host, int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * For each streaming query under the checkpoint directory (a subdirectory with offsets/ and commits/): the
     * offsets of {@code topic} in its latest committed batch, by partition. Spark writes offsets/N (a version line,
     * a metadata line, then one JSON line per source) before running batch N and commits/N after it.
     */
    public static Map<String, Map<Integer, Long>> committedOffsets(Path checkpoint, String topic) throws IOException {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        if (!Files.isDirectory(checkpoint)) {
            return out;
        }
        try (Stream<Path> queries = Files.list(checkpoint)) {
            for (Path q : queries.filter(p -> Files.isDirectory(p.resolve("offsets"))).toList()) {
                long batch = latest(q.resolve("commits"));
                Map<Integer, Long> offsets = new TreeMap<>();
                if (batch >= 0 && Files.exists(q.resolve("offsets").resolve(String.valueOf(batch)))) {
                    for (String line : Files.readAllLines(q.resolve("offsets").resolve(String.valueOf(batch)))) {
                        if (line.startsWith("{")) {
                            JsonNode source = JSON.readTree(line).path(topic);
                            source.fields().forEachRemaining(e -> offsets.put(Integer.valueOf(e.getKey()), e.getValue().asLong()));
                        }
                    }
                }
                out.put(q.getFileName().toString(), offsets);
            }
        }
        return out;
    }

    private static long latest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).mapToLong(Long::parseLong)
                    .max().orElse(-1);
        }
    }

    /** The JVM's effective -XX:MaxHeapSize, asked of the running process with jcmd (root may attach to any JVM). */
    public static long maxHeapBytes(long hostPid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String flags = Commands.run(List.of(jcmd.toString(), String.valueOf(hostPid), "VM.flags"), 60).output();
        for (String f : flags.split("\\s+")) {
            if (f.startsWith("-XX:MaxHeapSize=")) {
                return Long.parseLong(f.substring("-XX:MaxHeapSize=".length()));
            }
        }
        throw new IllegalStateException("jcmd VM.flags printed no MaxHeapSize: " + Commands.tail(flags, 400));
    }

    /** A readiness probe against the pod's address: a TCP connect, or an HTTP GET answering 2xx or 3xx. */
    public static boolean ready(String ip, KubePlay.Readiness r) {
        try {
            if (r.path() == null) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ip, r.port()), 1000);
                    return true;
                }
            }
            HttpResponse<Void> resp = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":" + r.port()
                    + r.path())).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
            return resp.statusCode() >= 200 && resp.statusCode() < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The end offset of each partition of a topic. */
    public static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                spec.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new TreeMap<>();
            admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).forEach((tp, o) -> out.put(tp.partition(), o.offset()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stage.Failure("interrupted reading the end offsets of " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new Stage.Failure("cannot read the end offsets of " + topic + " from " + bootstrap + ": " + e);
        }
    }

    /** Creates a topic (replication 1, one broker) as a cluster admin or a KafkaTopic would, before its clients run. */
    public static void createTopic(String bootstrap, String topic, int partitions) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stage.Failure("interrupted creating " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new Stage.Failure("cannot create " + topic + " with " + partitions + " partitions at " + bootstrap
                    + ": " + e);
        }
    }

    /** A JVM size (512m, 1g, 1536k, or bytes) in bytes. */
    public static long bytes(String size) {
        String s = size.trim().toLowerCase();
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            case 't' -> 1L << 40;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

    /** The first distinct error lines of a log: exceptions, ERROR lines and their causes. */
    public static List<String> errorLines(String log, int max) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : log.split("\n")) {
            String l = line.strip();
            if (l.contains(" ERROR ") || l.startsWith("Caused by:") || l.matches("^[\\w.$]+(Exception|Error)(:.*)?$")
                    || l.startsWith("spark-app: the query failed") || l.startsWith("Exception in thread")) {
                out.add(l.length() > 400 ? l.substring(0, 400) + "..." : l);
                if (out.size() >= max) {
                    break;
                }
            }
        }
        return List.copyOf(out);
    }
}
