package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The podman 4.3 commands of the rig. On these machines podman needs runc (crun fails on setrlimit and cgroups)
 * and ulimits below the host's, which a containers.conf passed as {@code CONTAINERS_CONF} sets for every command.
 */
public final class Podman {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_S = 120;

    private final Map<String, String> env;

    public Podman(Path workDir) {
        Path conf = workDir.resolve("containers.conf");
        try {
            Files.createDirectories(workDir);
            Files.writeString(conf, """
                    [containers]
                    default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                    [engine]
                    runtime = "runc"
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = Map.of("CONTAINERS_CONF", conf.toString());
    }

    public Commands.Result exec(long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        return Commands.exec(cmd, env, timeoutSeconds);
    }

    private Commands.Result run(String... args) {
        return exec(TIMEOUT_S, args).orThrow();
    }

    public void kubePlay(Path file) {
        run("kube", "play", file.toString());
    }

    /** Stops every container of the pod with the stop signal (SIGTERM), then SIGKILL after {@code graceSeconds}. */
    public void stopPod(String pod, long graceSeconds) {
        exec(graceSeconds + TIMEOUT_S, "pod", "stop", "-t", String.valueOf(graceSeconds), pod);
    }

    public void removePod(String pod) {
        exec(TIMEOUT_S, "pod", "rm", "-f", pod);
    }

    /** Pods carrying the label, running or not. */
    public List<String> podsLabelled(String key, String value) {
        List<String> names = new ArrayList<>();
        for (JsonNode p : json(run("pod", "ps", "--filter", "label=" + key + "=" + value, "--format", "json").output())) {
            names.add(p.path("Name").asText());
        }
        return names;
    }

    /** {@code podman inspect} of every container carrying the label (infra containers carry none). */
    public List<JsonNode> containersLabelled(String key, String value) {
        String ids = run("ps", "-a", "-q", "--filter", "label=" + key + "=" + value).output().strip();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("container", "inspect"));
        args.addAll(List.of(ids.split("\\s+")));
        Commands.Result r = exec(TIMEOUT_S, args.toArray(String[]::new));
        List<JsonNode> out = new ArrayList<>();
        // A container removed between the two calls makes inspect fail for it alone: keep what it did return.
        json(r.output().substring(Math.max(0, r.output().indexOf('[')))).forEach(out::add);
        return out;
    }

    public void removeContainersLabelled(String key, String value) {
        String ids = run("ps", "-a", "-q", "--filter", "label=" + key + "=" + value).output().strip();
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-t", "0"));
            args.addAll(List.of(ids.split("\\s+")));
            exec(TIMEOUT_S, args.toArray(String[]::new));
        }
    }

    public String logs(String container) {
        return exec(TIMEOUT_S, "logs", container).output();
    }

    public Optional<Path> volumeMountpoint(String volume) {
        Commands.Result r = exec(TIMEOUT_S, "volume", "inspect", "--format", "{{.Mountpoint}}", volume);
        return r.ok() ? Optional.of(Path.of(r.output().strip())) : Optional.empty();
    }

    public boolean volumeExists(String volume) {
        return exec(TIMEOUT_S, "volume", "exists", volume).ok();
    }

    public void removeVolume(String volume) {
        exec(TIMEOUT_S, "volume", "rm", "-f", volume);
    }

    /**
     * Copies a Docker-format image tar into podman's storage under {@code reference}, touching no other tag, unless
     * that name already holds this very image (same image id, the digest of the tar's config).
     *
     * @return true when it copied, false when the image was there already
     */
    public boolean loadImage(Path tar, String reference) {
        String manifest = Commands.run(List.of("tar", "-xOf", tar.toString(), "manifest.json"), TIMEOUT_S).output();
        String config = json(manifest).path(0).path("Config").asText();
        String id = sha256(Commands.run(List.of("tar", "-xOf", tar.toString(), config), TIMEOUT_S).output());
        Commands.Result present = exec(TIMEOUT_S, "image", "inspect", "--format", "{{.Id}}", reference);
        if (present.ok() && present.output().strip().equals(id)) {
            return false;
        }
        if (exec(TIMEOUT_S, "image", "exists", id).ok()) {
            // The very image is in storage under another name (make images-test loads the same tars): name it too.
            run("tag", id, reference);
            return true;
        }
        Commands.exec(List.of("skopeo", "copy", "-q", "docker-archive:" + tar, "containers-storage:" + reference),
                env, 600).orThrow();
        return true;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            String t = text.strip();
            return JSON.readTree(t.isEmpty() ? "[]" : t);
        } catch (IOException e) {
            throw new UncheckedIOException("podman printed what is not JSON: " + Commands.tail(text, 400), e);
        }
    }
}
