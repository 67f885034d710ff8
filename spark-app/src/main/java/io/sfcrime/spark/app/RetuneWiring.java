package io.sfcrime.spark.app;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sfcrime.spark.retune.Retune;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where live retune reads the tuning and writes its status, decided by the environment. Locally: the {@code --tuning}
 * file and the {@code --status-file}. On Kubernetes (the chart sets {@value #ENV_TUNING_CONFIGMAP}): the tuning
 * ConfigMap, read here before any SparkSession exists because executor count, cores and memory are only in it, and
 * the status ConfigMap plus Events on the driver pod. Owns the Kubernetes client it creates.
 */
final class RetuneWiring implements AutoCloseable {
    static final String ENV_TUNING_CONFIGMAP = "SFCRIME_TUNING_CONFIGMAP";
    static final String ENV_STATUS_CONFIGMAP = "SFCRIME_STATUS_CONFIGMAP";
    static final String ENV_NAMESPACE = "POD_NAMESPACE";
    static final String ENV_DRIVER_POD = "SPARK_DRIVER_POD_NAME";
    /** Helm's label of the release on every object of the chart, the tuning ConfigMap included. */
    static final String RELEASE_LABEL = "app.kubernetes.io/instance";
    /** Progress-only status updates reach the API server at most this often. */
    private static final Duration STATUS_PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Map<String, String> STATUS_LABELS = Map.of("app.kubernetes.io/part-of", "sf-crime-streaming",
            "app.kubernetes.io/component", "tuning-status", "app.kubernetes.io/managed-by", "spark-app");

    private final Map<String, String> env;
    private final Supplier<KubernetesClient> clients;
    private final PrintStream err;
    private KubernetesClient client;

    RetuneWiring(Map<String, String> env, PrintStream err) {
        this(env, () -> new KubernetesClientBuilder().build(), err);
    }

    /** For tests: the client to use on Kubernetes (closed with this wiring). */
    RetuneWiring(Map<String, String> env, Supplier<KubernetesClient> clients, PrintStream err) {
        this.env = env;
        this.clients = clients;
        this.err = err;
    }

    /**
     * The job's live retune with the tuning it starts with; bad tuning in a local file is refused here
     * ({@link IllegalArgumentException}), bad values in the ConfigMap are rejected key by key and reported in the status.
     */
    Retune open(Path tuningFile, Path statusFile, Path checkpoint) {
        String tuningConfigMap = env.get(ENV_TUNING_CONFIGMAP);
        if (tuningConfigMap == null || tuningConfigMap.isBlank()) {
            return Retune.local(tuningFile, statusFile, checkpoint, Preflight.loadTuning(tuningFile),
                    Retune.DEFAULT_DEBOUNCE);
        }
        if (tuningFile != null) {
            err.println("spark-app: --tuning " + tuningFile + " is ignored: on Kubernetes the tuning comes from "
                    + "ConfigMap " + tuningConfigMap);
        }
        if (client == null) {
            client = clients.get();
        }
        String namespace = Optional.ofNullable(env.get(ENV_NAMESPACE)).orElse(client.getNamespace());
        String statusConfigMap = Optional.ofNullable(env.get(ENV_STATUS_CONFIGMAP))
                .orElseGet(() -> statusConfigMapOf(client.configMaps().inNamespace(namespace)
                        .withName(tuningConfigMap).get(), tuningConfigMap));
        return Retune.kubernetes(client, namespace, tuningConfigMap, statusConfigMap, env.get(ENV_DRIVER_POD),
                STATUS_LABELS, checkpoint, Retune.DEFAULT_DEBOUNCE, STATUS_PROGRESS_INTERVAL);
    }

    /**
     * The chart's name of the status ConfigMap, for a driver started without {@value #ENV_STATUS_CONFIGMAP}: the
     * chart names it after the release ({@code sfcs.statusConfigMap} in {@code _helpers.tpl}: the release name cut to
     * 48 characters, a trailing dash dropped, then {@code -tuning-status}), and the release is the label Helm puts on
     * the tuning ConfigMap. The driver's RBAC Role lets it write that one name only.
     */
    static String statusConfigMapOf(ConfigMap tuning, String tuningConfigMap) {
        String release = tuning == null || tuning.getMetadata().getLabels() == null ? null
                : tuning.getMetadata().getLabels().get(RELEASE_LABEL);
        if (release == null || release.isBlank()) {
            throw new IllegalArgumentException(ENV_STATUS_CONFIGMAP + " is not set and ConfigMap " + tuningConfigMap
                    + (tuning == null ? " does not exist" : " has no " + RELEASE_LABEL + " label")
                    + " to name the status ConfigMap after (the chart names it <release>-tuning-status); set "
                    + ENV_STATUS_CONFIGMAP);
        }
        String cut = release.length() > 48 ? release.substring(0, 48) : release;
        if (cut.endsWith("-")) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "-tuning-status";
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
