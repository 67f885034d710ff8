package io.sfcrime.charttests;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.sfcrime.common.Json;
import io.sfcrime.common.metrics.JobMetrics;
import io.sfcrime.common.metrics.Metric;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.sfcrime.charttests.Chart.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** metrics.*: the Kafka CR's exporters, the PodMonitors, the dashboard, the consumer group, the scrape path. */
class MetricsChartTest {
    /**
     * Every metric Kafka Exporter (danielqsj/kafka_exporter, the one Strimzi runs as kafkaExporter) exports, as its
     * README's Metrics section lists them.
     */
    static final Set<String> KAFKA_EXPORTER = Set.of("kafka_brokers", "kafka_broker_info", "kafka_topic_partitions",
            "kafka_topic_partition_current_offset", "kafka_topic_partition_oldest_offset",
            "kafka_topic_partition_in_sync_replica", "kafka_topic_partition_leader",
            "kafka_topic_partition_leader_is_preferred", "kafka_topic_partition_replicas",
            "kafka_topic_partition_under_replicated_partition", "kafka_consumergroup_current_offset",
            "kafka_consumergroup_current_offset_sum", "kafka_consumergroup_lag", "kafka_consumergroup_lag_sum",
            "kafka_consumergroupzookeeper_lag_zookeeper", "kafka_consumergroup_members");
    /** PromQL words that are not metric names: functions, aggregations and their modifiers. */
    static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "count", "rate", "irate", "increase", "by",
            "without", "on", "ignoring", "group_left", "group_right", "topk", "bottomk", "delta", "deriv",
            "histogram_quantile", "clamp_min", "clamp_max", "abs", "and", "or", "unless", "offset");
    static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void offByDefaultTheChartRendersNoMonitoringButTheDriverStillCommitsToItsGroup() {
        List<HasMetadata> docs = Chart.render();
        assertThat(docs).noneMatch(d -> d.getKind().equals("PodMonitor"));
        assertThat(Chart.all(docs, ConfigMap.class)).noneMatch(c -> c.getMetadata().getLabels()
                .containsKey("grafana_dashboard"));
        Kafka kafka = Chart.one(docs, Kafka.class, full("kafka"));
        assertThat(kafka.getSpec().getKafka().getMetricsConfig()).isNull();
        assertThat(kafka.getSpec().getKafkaExporter()).isNull();
        assertThat(driverArgs(docs)).containsSequence("--consumer-group", full("spark"));
        // Forcing PodMonitors does nothing while metrics are off.
        assertThat(Chart.parse(Chart.template(List.of(), Map.of("metrics.podMonitor.force", true))))
                .noneMatch(d -> d.getKind().equals("PodMonitor"));
    }

    @Test
    void theKafkaCrGetsTheJmxExporterFromItsConfigMapAndKafkaExporter() throws Exception {
        List<HasMetadata> docs = Chart.render("metrics.yaml");
        Kafka kafka = Chart.one(docs, Kafka.class, full("kafka"));
        assertThat(ChartTest.leftovers(kafka, "")).as("fields Strimzi 0.45's model does not know").isEmpty();
        JmxPrometheusExporterMetrics jmx = (JmxPrometheusExporterMetrics) kafka.getSpec().getKafka().getMetricsConfig();
        assertThat(jmx.getType()).isEqualTo(JmxPrometheusExporterMetrics.TYPE_JMX_EXPORTER);
        String name = jmx.getValueFrom().getConfigMapKeyRef().getName();
        String key = jmx.getValueFrom().getConfigMapKeyRef().getKey();
        ConfigMap rules = Chart.one(docs, ConfigMap.class, name);
        JsonNode config = Serialization.yamlMapper().readTree(rules.getData().get(key));
        assertThat(config.get("lowercaseOutputName").asBoolean()).isTrue();
        assertThat(config.get("rules")).isNotEmpty();
        for (JsonNode rule : config.get("rules")) {
            assertThat(rule.get("pattern").asText()).startsWith("kafka.");
            Pattern.compile(rule.get("pattern").asText());
            assertThat(rule.get("name").asText()).matches("kafka_[a-z0-9_$]+");
        }
        assertThat(kafka.getSpec().getKafkaExporter().getGroupRegex()).isEqualTo(".*");
        assertThat(kafka.getSpec().getKafkaExporter().getTopicRegex()).isEqualTo(".*");
        // The spark user may commit to its group: the group sits under the prefix its ACL allows.
        List<HasMetadata> auth = Chart.parse(Chart.template(List.of("auth.yaml", "metrics.yaml"), Map.of()));
        KafkaUser spark = Chart.one(auth, KafkaUser.class, full("spark"));
        assertThat(((KafkaUserAuthorizationSimple) spark.getSpec().getAuthorization()).getAcls())
                .anySatisfy(acl -> {
                    assertThat(acl.getResource()).isInstanceOf(AclRuleGroupResource.class);
                    AclRuleGroupResource group = (AclRuleGroupResource) acl.getResource();
                    assertThat(group.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
                    assertThat(full("spark")).startsWith(group.getName());
                    assertThat(acl.getOperations()).contains(AclOperation.READ);
                });
    }

    @Test
    void podMonitorsScrapeTheDriverWithTheDeclaredRelabelRulesAndStrimzisMetricsPorts() {
        List<HasMetadata> docs = Chart.render("metrics.yaml");
        GenericKubernetesResource driver = podMonitor(docs, full("driver"));
        assertThat(driver.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(driver.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        JsonNode spec = Json.MAPPER.valueToTree(driver.getAdditionalProperties().get("spec"));
        assertThat(spec.at("/selector/matchLabels/app.kubernetes.io~1component").asText()).isEqualTo("driver");
        JsonNode driverEndpoint = spec.get("podMetricsEndpoints").get(0);
        assertThat(driverEndpoint.get("port").asText()).isEqualTo("ui");
        assertThat(driverEndpoint.get("path").asText()).isEqualTo(JobMetrics.DRIVER_PATH);
        List<JobMetrics.Relabel> rules = new ArrayList<>();
        for (JsonNode r : driverEndpoint.get("metricRelabelings")) {
            assertThat(r.get("sourceLabels").toString()).isEqualTo("[\"__name__\"]");
            rules.add(new JobMetrics.Relabel(r.get("action").asText(), r.get("regex").asText(),
                    r.has("targetLabel") ? r.get("targetLabel").asText() : null,
                    r.has("replacement") ? r.get("replacement").asText() : null));
        }
        assertThat(rules).isEqualTo(JobMetrics.relabelRules());
        assertThat(spec.get("podMetricsEndpoints").get(1).get("path").asText()).isEqualTo(JobMetrics.EXECUTORS_PATH);
        // The driver's container names that port.
        assertThat(Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec().getContainers()
                .get(0).getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo("ui"));

        JsonNode kafka = Json.MAPPER.valueToTree(podMonitor(docs, full("kafka")).getAdditionalProperties().get("spec"));
        assertThat(kafka.at("/selector/matchLabels/strimzi.io~1kind").asText()).isEqualTo("Kafka");
        assertThat(kafka.at("/selector/matchLabels/strimzi.io~1cluster").asText()).isEqualTo(full("kafka"));
        assertThat(kafka.at("/podMetricsEndpoints/0/port").asText()).isEqualTo("tcp-prometheus");

        // Operator mode: Spark names the driver's UI port spark-ui.
        List<HasMetadata> operator = Chart.parse(Chart.template(List.of("spark-operator.yaml", "metrics.yaml"), Map.of()));
        assertThat(Json.MAPPER.valueToTree(podMonitor(operator, full("driver")).getAdditionalProperties().get("spec"))
                .at("/podMetricsEndpoints/0/port").asText()).isEqualTo("spark-ui");
    }

    @Test
    void theNetworkPolicyAdmitsScrapesOfTheDriversUiPortFromAnywhere() {
        List<HasMetadata> docs = Chart.render("metrics.yaml");
        NetworkPolicy driver = Chart.one(docs, NetworkPolicy.class, full("driver"));
        List<NetworkPolicyIngressRule> open = driver.getSpec().getIngress().stream()
                .filter(r -> r.getFrom() == null || r.getFrom().isEmpty()).toList();
        assertThat(open).flatExtracting(NetworkPolicyIngressRule::getPorts)
                .anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(4040));
    }

    @Test
    void theDashboardIsValidJsonInAConfigMapForGrafanasSidecarAndNamesOnlyExportedMetrics() throws Exception {
        List<HasMetadata> docs = Chart.render("metrics.yaml");
        ConfigMap cm = Chart.one(docs, ConfigMap.class, full("dashboard"));
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        String json = cm.getData().get("sf-crime-streaming.json");
        assertThat(json).isEqualTo(Files.readString(Chart.DIR.resolve("dashboards/sf-crime-streaming.json")).strip());
        JsonNode dashboard = Json.MAPPER.readTree(json);
        Set<String> declared = JobMetrics.ALL.stream().map(Metric::name).collect(Collectors.toSet());
        Set<String> used = new HashSet<>();
        assertThat(dashboard.get("panels")).hasSizeGreaterThanOrEqualTo(6);
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                Set<String> names = metricNames(target.get("expr").asText());
                assertThat(names).as("metrics in %s", target.get("expr")).isNotEmpty();
                for (String n : names) {
                    assertThat(declared.contains(n) || KAFKA_EXPORTER.contains(n))
                            .as("%s in panel '%s' is neither declared by the job nor exported by Kafka Exporter", n,
                                    panel.get("title").asText()).isTrue();
                }
                used.addAll(names);
            }
        }
        // The panels: throughput, batch time, lag per partition, state, invalid and late rows, retunes.
        assertThat(used).contains("sfcrime_input_rows_total", "sfcrime_last_batch_duration_seconds",
                "sfcrime_input_lag_records", "kafka_consumergroup_lag", "sfcrime_state_rows",
                "sfcrime_invalid_rows_total", "sfcrime_late_rows_dropped_total",
                "sfcrime_tuning_changes_applied_total", "sfcrime_query_restarts_total");
    }

    @Test
    void badMetricsValuesAreRefusedByTheSchema() {
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of("metrics.podMonitor.interval", "soon")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of("metrics.consumerGroup", "no spaces")))
                .hasMessageContaining("consumerGroup");
        assertThatThrownBy(() -> Chart.template(List.of(), Map.of("metrics.enable", true)))
                .hasMessageContaining("enable");
    }

    @Test
    void theNameCheckCatchesAnUndeclaredMetric() {
        assertThat(metricNames("sum by (reason) (rate(sfcrime_invalid_rows_total{reason=\"x\"}[5m]))"))
                .containsExactly("sfcrime_invalid_rows_total");
        assertThat(metricNames("rate(sfcrime_input_rows[$__rate_interval]) / on(job) kafka_brokers"))
                .containsExactlyInAnyOrder("sfcrime_input_rows", "kafka_brokers");
    }

    /** The metric names a PromQL expression reads: identifiers that are not functions, keywords or inside {} or []. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", "")
                .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", "$1");
        Set<String> out = new HashSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String word = m.group();
            if (!PROMQL.contains(word) && !word.matches("\\d.*")) {
                out.add(word);
            }
        }
        return out;
    }

    private static GenericKubernetesResource podMonitor(List<HasMetadata> docs, String name) {
        return (GenericKubernetesResource) docs.stream()
                .filter(d -> d.getKind().equals("PodMonitor") && d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no PodMonitor " + name));
    }

    private static List<String> driverArgs(List<HasMetadata> docs) {
        return Chart.one(docs, Deployment.class, full("driver")).getSpec().getTemplate().getSpec().getContainers()
                .get(0).getArgs();
    }
}
