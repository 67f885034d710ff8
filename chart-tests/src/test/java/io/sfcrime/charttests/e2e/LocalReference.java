package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reference the cluster run is held to: the same spark-app image in Spark's local mode (tasks inside the
 * driver, which is what hides a checkpoint the executors cannot reach), draining the same input topic with the same
 * tuning into topics of its own, then its report compared with the driver's, field by field.
 */
public final class LocalReference {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalReference() {
    }

    /** Runs the reference and returns where its report is. */
    public static Path run(Podman podman, Release release, Map<String, String> tuning, Path dir, String rig,
                           long timeoutSeconds) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        StringBuilder yaml = new StringBuilder("# The tuning the driver ended with (its tuning ConfigMap).\n");
        for (Map.Entry<String, String> e : new TreeMap<>(tuning).entrySet()) {
            yaml.append(e.getKey()).append(": ").append(JSON.writeValueAsString(e.getValue())).append('\n');
        }
        Files.writeString(dir.resolve("tuning.yaml"), yaml);
        Files.setPosixFilePermissions(dir.resolve("tuning.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.deleteIfExists(dir.resolve("report.json"));
        String topic = release.driverArg("--topic").orElseThrow();
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--name", release.name() + "-local-reference",
                "--label", KubePlay.RIG_LABEL + "=" + rig, "--network", "host", "--read-only",
                "--tmpfs", "/tmp:rw,size=512m", "--user", "185:185", "-v", dir + ":/out",
                release.driverContainer().getImage(),
                "--master", "local[2]", "--bootstrap", release.bootstrap(), "--topic", topic,
                "--results-topic", release.driverArg("--results-topic").orElseThrow() + ".reference",
                "--dead-letter-topic", release.driverArg("--dead-letter-topic").orElseThrow() + ".reference",
                "--radio-codes", release.driverArg("--radio-codes").orElseThrow(),
                "--tuning", "/out/tuning.yaml", "--checkpoint", "/tmp/checkpoint", "--available-now",
                "--report", "/out/report.json", "--ui-port", "0"));
        Commands.Result r = podman.exec(timeoutSeconds, cmd.toArray(String[]::new));
        if (r.exit() == 124) {
            podman.removeContainersLabelled(KubePlay.RIG_LABEL, rig);
            throw new Stage.Failure("the local-mode reference run did not finish within " + timeoutSeconds
                    + " s (the run's deadline)");
        }
        Files.writeString(dir.resolve("local-reference.log"), r.output());
        if (!r.ok() || !Files.exists(dir.resolve("report.json"))) {
            throw new Stage.Failure("the local-mode reference run failed (exit " + r.exit() + "): "
                    + String.join(" | ", Probes.errorLines(r.output(), 4)));
        }
        return dir.resolve("report.json");
    }

    /** The fields whose values differ (empty: equal), each with both values shortened; "input_rows: 0" if nothing was counted. */
    public static List<String> differences(Path cluster, Path local) throws IOException {
        JsonNode a = JSON.readTree(cluster.toFile());
        JsonNode b = JSON.readTree(local.toFile());
        List<String> out = new ArrayList<>();
        Set<String> fields = new LinkedHashSet<>();
        a.fieldNames().forEachRemaining(fields::add);
        b.fieldNames().forEachRemaining(fields::add);
        for (String f : fields) {
            if (!a.path(f).equals(b.path(f))) {
                out.add(f + ": cluster=" + shorten(a.path(f)) + " local=" + shorten(b.path(f)));
            }
        }
        if (out.isEmpty() && a.path("input_rows").asLong() <= 0) {
            out.add("input_rows: 0 (nothing was counted)");
        }
        return out;
    }

    private static String shorten(JsonNode n) {
        String s = n.isMissingNode() ? "(absent)" : n.toString();
        if (n.isArray()) {
            s = n.size() + " entries " + s;
        }
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
