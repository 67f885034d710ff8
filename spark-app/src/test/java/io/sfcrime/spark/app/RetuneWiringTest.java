package io.sfcrime.spark.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A driver started without SFCRIME_STATUS_CONFIGMAP names its status ConfigMap exactly as the chart does: checked
 * against the chart itself, rendered by Helm with release names short, equal to the chart's name, long enough to
 * be cut, and cut just after a dash.
 */
class RetuneWiringTest {
    static final Path CHART = ItSupport.ROOT.resolve("helm/sf-crime-streaming");

    @ParameterizedTest
    @ValueSource(strings = {"sfcs", "sf-crime-streaming", "a-release-name-long-enough-that-the-chart-cuts-it-x",
            "long-release-name-the-chart-cuts-right-before-a-dash"})
    void theFallbackStatusNameIsTheChartsName(String release) throws Exception {
        List<JsonNode> docs = render(release);
        ConfigMap tuning = null;
        Deployment driver = null;
        for (JsonNode doc : docs) {
            String component = doc.path("metadata").path("labels").path("app.kubernetes.io/component").asText();
            if (doc.path("kind").asText().equals("ConfigMap") && component.equals("tuning")) {
                tuning = Serialization.yamlMapper().treeToValue(doc, ConfigMap.class);
            } else if (doc.path("kind").asText().equals("Deployment") && component.equals("driver")) {
                driver = Serialization.yamlMapper().treeToValue(doc, Deployment.class);
            }
        }
        assertThat(tuning).as("tuning ConfigMap of release %s", release).isNotNull();
        assertThat(driver).as("driver Deployment of release %s", release).isNotNull();
        Map<String, String> env = new java.util.HashMap<>();
        for (EnvVar v : driver.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            env.put(v.getName(), v.getValue());
        }
        assertThat(env.get(RetuneWiring.ENV_TUNING_CONFIGMAP)).isEqualTo(tuning.getMetadata().getName());
        assertThat(RetuneWiring.statusConfigMapOf(tuning, tuning.getMetadata().getName()))
                .isEqualTo(env.get(RetuneWiring.ENV_STATUS_CONFIGMAP));
    }

    @Test
    void withoutTheReleaseLabelTheDriverIsToldWhatToSet() {
        ConfigMap unlabelled = new ConfigMapBuilder().withNewMetadata().withName("tuning").endMetadata().build();
        assertThatThrownBy(() -> RetuneWiring.statusConfigMapOf(unlabelled, "tuning"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("app.kubernetes.io/instance").hasMessageContaining("set SFCRIME_STATUS_CONFIGMAP");
        assertThatThrownBy(() -> RetuneWiring.statusConfigMapOf(null, "tuning"))
                .hasMessageContaining("ConfigMap tuning does not exist");
    }

    private static List<JsonNode> render(String release) throws Exception {
        // helm-java's default Kubernetes version (1.20) is below the chart's kubeVersion; offline there are no Strimzi CRDs.
        String yaml = new Helm(CHART).template().withName(release).withNamespace("sf-crime").withKubeVersion("1.31.2")
                .set("kafka.strimzi.crdCheck", false).call();
        List<JsonNode> docs = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.contains("kind:")) {
                docs.add(Serialization.yamlMapper().readTree(doc));
            }
        }
        return docs;
    }
}
