package io.sfcrime.charttests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/** The chart under test, rendered with helm-java and parsed by fabric8 (which knows Strimzi's types from its jar). */
final class Chart {
    static final Path ROOT = Paths.get(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    static final Path DIR = ROOT.resolve("helm/sf-crime-streaming");
    static final Path VALUES = Paths.get("src/test/resources/values").toAbsolutePath();
    static final String RELEASE = "sfcs";
    static final String NAMESPACE = "sf-crime";
    static final String CRD_CHECK = "kafka.strimzi.crdCheck";
    /** helm-java's Helm library says v1.20.0 when not told, below the chart's kubeVersion; kind's node is 1.31. */
    static final String KUBE_VERSION = "1.31.2";

    // No API server is contacted: the client is only used to deserialize.
    private static final KubernetesClient CLIENT = new KubernetesClientBuilder().build();

    // Strimzi 0.45's model registers its kinds the fabric8 6.13 way, which fabric8 6.7.2 (the version that must sit
    // beside Spark) does not see: those documents are read into Strimzi's typed classes here.
    private static final Map<String, Class<? extends HasMetadata>> STRIMZI = Map.of(
            "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class,
            "KafkaUser", KafkaUser.class);

    private Chart() {
    }

    /**
     * helm template with the given values files (from src/test/resources/values) and --set pairs. Offline, helm sees
     * no cluster and so no Strimzi CRDs: the chart's CRD check is off unless a test sets it
     * (kafka.strimzi.crdCheck).
     */
    static String template(List<String> valuesFiles, Map<String, Object> sets) {
        TemplateCommand t = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (!sets.containsKey(CRD_CHECK)) {
            t = t.set(CRD_CHECK, false);
        }
        for (String f : valuesFiles) {
            t = t.withValuesFile(VALUES.resolve(f));
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        return t.call();
    }

    static String template(String... valuesFiles) {
        return template(List.of(valuesFiles), Map.of());
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank() || !doc.contains("kind:")) {
                continue;
            }
            try {
                JsonNode node = Serialization.yamlMapper().readTree(doc);
                Class<? extends HasMetadata> strimzi = node.path("apiVersion").asText().startsWith("kafka.strimzi.io/")
                        ? STRIMZI.get(node.path("kind").asText()) : null;
                if (strimzi != null) {
                    out.add(Serialization.yamlMapper().treeToValue(node, strimzi));
                } else {
                    out.addAll(CLIENT.load(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8))).items());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse rendered document:\n" + doc, e);
            }
        }
        return out;
    }

    static List<HasMetadata> render(String... valuesFiles) {
        return parse(template(valuesFiles));
    }

    static final String HOOK = WithHooks.HOOK;

    /** Release resources and hooks ({@link WithHooks}), CRD check off as in {@link #template}. */
    static String templateWithHooks(List<String> valuesFiles, Map<String, Object> sets) {
        Path copy = WithHooks.chartCopy(DIR);
        TemplateCommand t = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (String f : valuesFiles) {
            t = t.withValuesFile(VALUES.resolve(f));
        }
        Map<String, Object> all = new java.util.LinkedHashMap<>(Map.of(CRD_CHECK, false));
        all.putAll(sets);
        for (Map.Entry<String, Object> e : all.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        try {
            return WithHooks.restore(t.call());
        } finally {
            WithHooks.delete(copy);
        }
    }

    static List<HasMetadata> renderWithHooks(List<String> valuesFiles, Map<String, Object> sets) {
        return parse(templateWithHooks(valuesFiles, sets));
    }

    static List<HasMetadata> renderWithHooks(String... valuesFiles) {
        return renderWithHooks(List.of(valuesFiles), Map.of());
    }

    /** The hook events of an object (helm.sh/hook), empty for a release resource. */
    static List<String> hookEvents(HasMetadata d) {
        Map<String, String> a = d.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(HOOK);
        return v == null ? List.of() : List.of(v.replace(" ", "").split(","));
    }

    @SuppressWarnings("unchecked")
    static <T extends HasMetadata> T one(List<HasMetadata> docs, Class<T> type, String name) {
        return (T) docs.stream().filter(type::isInstance).filter(d -> d.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name
                        + " in " + docs.stream().map(d -> d.getKind() + "/" + d.getMetadata().getName()).toList()));
    }

    static <T> List<T> all(List<HasMetadata> docs, Class<T> type) {
        return docs.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static String full(String suffix) {
        return RELEASE + "-sf-crime-streaming-" + suffix;
    }
}
