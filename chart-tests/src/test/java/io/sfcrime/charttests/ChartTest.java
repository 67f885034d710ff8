package io.sfcrime.charttests;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.sfcrime.charttests.Chart.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChartTest {

    // ---- lint and schema -------------------------------------------------------------------------------------

    @Test
    void lintPassesWithDefaultValues() {
        LintResult r = new Helm(Chart.DIR).lint().strict().call();
        assertThat(r.isFailed()).as("lint messages: %s", r.getMessages()).isFalse();
    }

    /** Lint checks the schema against the chart's own values.yaml, so lint a copy whose values.yaml is the bad file. */
    @ParameterizedTest
    @ValueSource(strings = {"bad-type.yaml", "bad-unknown-key.yaml", "bad-tuning.yaml"})
    void lintAndTemplateRejectBadValuesWithAClearMessage(String file, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path copy = tmp.resolve("sf-crime-streaming");
        try (Stream<Path> s = Files.walk(Chart.DIR)) {
            for (Path p : s.toList()) {
                Path target = copy.resolve(Chart.DIR.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.writeString(copy.resolve("values.yaml"), Files.readString(Chart.VALUES.resolve(file)));
        LintResult r = new Helm(copy).lint().call();
        String expected = switch (file) {
            case "bad-type.yaml" -> "driverPort";
            case "bad-unknown-key.yaml" -> "executorz";
            default -> "maxOfsetsPerTrigger";
        };
        assertThat(r.isFailed()).as("lint of %s: %s", file, r.getMessages()).isTrue();
        assertThat(String.join("\n", r.getMessages())).contains(expected);

        assertThatThrownBy(() -> Chart.template(file)).hasMessageContaining(expected)
                .hasMessageContaining("values don't meet the specifications of the schema");
    }

    // ---- every scenario renders into typed objects -------------------------------------------------------------

    static final String[][] SCENARIOS = {{}, {"minimal.yaml"}, {"external-kafka.yaml"}, {"spark-operator.yaml"},
            {"auth.yaml"}, {"network-policy.yaml"}, {"auth.yaml", "network-policy.yaml", "external-kafka.yaml"}};

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void everyDocumentIsTypedLabelledSecuredAndShortNamed(int scenario) {
        List<HasMetadata> docs = Chart.renderWithHooks(SCENARIOS[scenario]);
        assertThat(docs).isNotEmpty();
        for (HasMetadata d : docs) {
            String id = d.getKind() + "/" + d.getMetadata().getName();
            if (!d.getApiVersion().startsWith("sparkoperator.k8s.io")) {
                assertThat(d).as("%s parses into a typed class", id).isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(leftovers(d, "")).as("fields fabric8 does not know in %s", id).isEmpty();
            }
            assertThat(d.getMetadata().getName().length()).as("name length of %s", id).isLessThanOrEqualTo(63);
            assertThat(d.getMetadata().getNamespace()).as("namespace of %s", id).isEqualTo(Chart.NAMESPACE);
            assertThat(d.getMetadata().getLabels()).as("labels of %s", id)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsEntry("app.kubernetes.io/instance", Chart.RELEASE)
                    .containsEntry("app.kubernetes.io/name", "sf-crime-streaming")
                    .containsKeys("app.kubernetes.io/component", "app.kubernetes.io/version", "helm.sh/chart");
        }
        for (Map.Entry<String, PodSpec> e : podSpecs(docs).entrySet()) {
            assertSecure(e.getKey(), e.getValue());
        }
        // No credentials in ConfigMaps: auth settings come from Secrets only.
        for (ConfigMap cm : Chart.all(docs, ConfigMap.class)) {
            assertThat(String.valueOf(cm.getData())).doesNotContainIgnoringCase("password").doesNotContain("sasl.jaas");
        }
    }

    @Test
    void externalKafkaRendersNoStrimziAndPointsClientsAtTheGivenBootstrap() {
        List<HasMetadata> docs = Chart.render("external-kafka.yaml");
        assertThat(docs).noneMatch(d -> d.getApiVersion().startsWith("kafka.strimzi.io"));
        Deployment driver = Chart.one(docs, Deployment.class, full("driver"));
        assertThat(driver.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--bootstrap", "kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092");
    }

    @Test
    void strimziResourcesAreTypedKraftWithTheThreeTopics() {
        List<HasMetadata> docs = Chart.render();
        Kafka kafka = Chart.one(docs, Kafka.class, full("kafka"));
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        assertThat(kafka.getSpec().getKafka().getListeners()).singleElement()
                .satisfies(l -> assertThat(l.getPort()).isEqualTo(9092));
        KafkaNodePool pool = Chart.one(docs, KafkaNodePool.class, Chart.RELEASE + "-pool");
        // Strimzi names the node pods <cluster>-<pool>-<id>; they must stay valid DNS labels.
        assertThat(kafka.getMetadata().getName() + "-" + pool.getMetadata().getName() + "-999").hasSizeLessThanOrEqualTo(63);
        assertThat(pool.getSpec().getReplicas()).isEqualTo(1);
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", full("kafka"));
        assertThat(pool.getSpec().getRoles()).hasSize(2);
        assertThat(Chart.all(docs, KafkaTopic.class)).extracting(t -> t.getSpec().getTopicName())
                .containsExactlyInAnyOrder("calls", "results", "calls.dlq");
        assertThat(Chart.all(docs, KafkaUser.class)).isEmpty();
    }

    @Test
    void authTurnsOnTlsScramAndOneKafkaUserPerClientWithSecretsOnly() {
        List<HasMetadata> docs = Chart.render("auth.yaml");
        Kafka kafka = Chart.one(docs, Kafka.class, full("kafka"));
        assertThat(kafka.getSpec().getKafka().getListeners()).singleElement().satisfies(l -> {
            assertThat(l.isTls()).isTrue();
            assertThat(l.getAuth().getType()).isEqualTo("scram-sha-512");
        });
        assertThat(Chart.all(docs, KafkaUser.class)).extracting(u -> u.getMetadata().getName())
                .containsExactlyInAnyOrder(full("producer"), full("consumer"), full("spark"));
        for (KafkaUser u : Chart.all(docs, KafkaUser.class)) {
            assertThat(u.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
        }
        Map<String, String> client = Map.of("producer", full("producer"), "consumer", full("consumer"),
                "driver", full("spark"));
        for (Map.Entry<String, PodSpec> e : podSpecs(docs).entrySet()) {
            if (e.getKey().contains("executor")) {
                continue;
            }
            Container c = e.getValue().getContainers().get(0);
            EnvVar jaas = env(c, "KAFKA_SASL_JAAS_CONFIG");
            assertThat(jaas.getValue()).as("%s reads its password from a Secret", e.getKey()).isNull();
            String user = client.entrySet().stream().filter(x -> e.getKey().contains(x.getKey())).findFirst()
                    .orElseThrow().getValue();
            assertThat(jaas.getValueFrom().getSecretKeyRef().getName()).isEqualTo(user);
            assertThat(env(c, "KAFKA_SSL_TRUSTSTORE_CERTIFICATES").getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo(full("kafka") + "-cluster-ca-cert");
            assertThat(env(c, "KAFKA_BOOTSTRAP_SERVERS").getValue()).endsWith(":9093");
        }
    }

    // ---- RBAC ----------------------------------------------------------------------------------------------------

    @Test
    void driverRoleIsExactlyWhatTheDriverNeeds() {
        List<HasMetadata> docs = Chart.render();
        Role role = Chart.one(docs, Role.class, full("driver"));
        Map<String, Set<String>> granted = new LinkedHashMap<>();
        for (PolicyRule r : role.getRules()) {
            for (String group : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    String names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? "*"
                            : String.join(",", r.getResourceNames());
                    for (String verb : r.getVerbs()) {
                        granted.computeIfAbsent(group + "/" + res + "[" + names + "]", k -> new java.util.TreeSet<>())
                                .add(verb);
                    }
                }
            }
        }
        assertThat(granted).containsOnly(
                Map.entry("/pods[*]", Set.of("create", "get", "list", "watch", "delete", "deletecollection")),
                Map.entry("/configmaps[*]", Set.of("create")),
                Map.entry("/configmaps[" + full("tuning") + "]", Set.of("get", "list", "watch")),
                Map.entry("/configmaps[sfcs-tuning-status]", Set.of("get", "update")),
                Map.entry("/events[*]", Set.of("create")));
        assertThat(docs).noneMatch(d -> d.getKind().startsWith("Cluster"));
        RoleBinding binding = Chart.one(docs, RoleBinding.class, full("driver"));
        assertThat(binding.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo(full("driver")));
        // Only the driver has a token; executors and clients have no API access.
        for (ServiceAccount sa : Chart.all(docs, ServiceAccount.class)) {
            assertThat(sa.getAutomountServiceAccountToken()).as(sa.getMetadata().getName())
                    .isEqualTo(sa.getMetadata().getName().equals(full("driver")));
        }
        assertThat(Chart.all(docs, RoleBinding.class)).hasSize(1);
    }

    // ---- the driver ----------------------------------------------------------------------------------------------

    @Test
    void driverHostIsTheHeadlessServiceThatExposesTheFixedPorts() {
        List<HasMetadata> docs = Chart.render();
        Map<String, String> conf = sparkConf(docs);
        Service headless = Chart.one(docs, Service.class, full("driver-headless"));
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(conf.get("spark.driver.host")).isEqualTo(full("driver-headless") + "." + Chart.NAMESPACE
                + ".svc.cluster.local");
        assertThat(headless.getSpec().getPorts()).extracting(p -> p.getPort())
                .containsExactlyInAnyOrder(Integer.valueOf(conf.get("spark.driver.port")),
                        Integer.valueOf(conf.get("spark.driver.blockManager.port")));
        Deployment driver = Chart.one(docs, Deployment.class, full("driver"));
        assertThat(headless.getSpec().getSelector()).isEqualTo(driver.getSpec().getSelector().getMatchLabels());
        assertThat(conf).containsEntry("spark.master", "k8s://https://kubernetes.default.svc")
                .containsEntry("spark.kubernetes.container.image", "sf-crime-streaming/spark-app:0.1.0")
                .containsEntry("spark.kubernetes.namespace", Chart.NAMESPACE)
                .containsEntry("spark.kubernetes.authenticate.executor.serviceAccountName", full("executor"));
        Container c = driver.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c, "SPARK_DRIVER_POD_NAME").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(driver.getSpec().getReplicas()).isEqualTo(1);
        Service ui = Chart.one(docs, Service.class, full("ui"));
        assertThat(ui.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(4040));
        // The executor pod template Spark is pointed at is the one in the mounted ConfigMap.
        assertThat(conf.get("spark.kubernetes.executor.podTemplateFile")).startsWith("/etc/sfcrime/spark/");
        // Spark reuses a spark-local-dir-* volume of the template for spark.local.dir instead of adding a second
        // emptyDir at the same path, which the API server would reject.
        Pod executor = executorTemplate(docs);
        assertThat(executor.getSpec().getContainers().get(0).getVolumeMounts())
                .anyMatch(m -> m.getName().startsWith("spark-local-dir-")
                        && m.getMountPath().equals(conf.get("spark.local.dir")));
        // Tuning is not duplicated into the static conf (it would roll the driver on every retune).
        assertThat(conf).doesNotContainKeys("spark.executor.instances", "spark.sql.shuffle.partitions");
        ConfigMap tuning = Chart.one(docs, ConfigMap.class, full("tuning"));
        assertThat(tuning.getData()).containsEntry("spark.sql.shuffle.partitions", "1")
                .containsEntry("source.maxOffsetsPerTrigger", "500000").containsEntry("console.topN", "20")
                // Numbers of a million and more stay integers (a YAML number is a float64 to the template).
                .containsEntry("source.maxPartitionFetchBytes", "8388608");
    }

    @Test
    void checksumRollsTheDriverForStaticChangesButNotForTuning() {
        String base = checksum(Map.of());
        assertThat(checksum(Map.of("tuning.console\\.topN", 5, "tuning.source\\.maxOffsetsPerTrigger", 1000)))
                .as("tuning only").isEqualTo(base);
        assertThat(checksum(Map.of("spark.conf.spark\\.eventLog\\.enabled", "true"))).as("spark.conf").isNotEqualTo(base);
        assertThat(checksum(Map.of("spark.executor.memoryOverhead", "512m"))).as("executor overhead").isNotEqualTo(base);
        assertThat(checksum(Map.of("image.tag", "0.2.0"))).as("image tag").isNotEqualTo(base);
        List<HasMetadata> tuned = Chart.parse(Chart.template(List.of(), Map.of("tuning.console\\.topN", 5)));
        assertThat(Chart.one(tuned, ConfigMap.class, full("tuning")).getData()).containsEntry("console.topN", "5");
        Deployment d = Chart.one(tuned, Deployment.class, full("driver"));
        assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations().keySet())
                .allMatch(k -> !k.contains("tuning"));
    }

    @Test
    void sparkOperatorModeRendersASparkApplicationInsteadOfTheDriver() {
        List<HasMetadata> docs = Chart.render("spark-operator.yaml");
        assertThat(Chart.all(docs, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .doesNotContain(full("driver"));
        GenericKubernetesResource app = docs.stream().filter(d -> d.getKind().equals("SparkApplication"))
                .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
        assertThat(app.getApiVersion()).isEqualTo("sparkoperator.k8s.io/v1beta2");
        Map<String, Object> spec = app.get("spec");
        assertThat(spec).containsEntry("image", "sf-crime-streaming/spark-app:0.1.0")
                .containsEntry("mainClass", "io.sfcrime.spark.app.SparkApp").containsEntry("type", "Java");
        assertThat(app.<Object>get("spec", "executor", "instances")).isEqualTo(2);
        assertThat(app.<Object>get("spec", "executor", "serviceAccount")).isEqualTo(full("executor"));
        assertThat(app.<Object>get("spec", "driver", "serviceAccount")).isEqualTo(full("driver"));
        assertThat(app.<Object>get("spec", "driver", "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(app.<Object>get("spec", "executor", "podSecurityContext", "runAsNonRoot")).isEqualTo(true);
        Chart.one(docs, ConfigMap.class, full("tuning"));
        Chart.one(docs, Role.class, full("driver"));
    }

    @Test
    void networkPolicyLimitsTrafficToDriverExecutorsKafkaApiAndDns() {
        assertThat(Chart.all(Chart.render(), NetworkPolicy.class)).isEmpty();
        List<HasMetadata> docs = Chart.render("network-policy.yaml");
        NetworkPolicy driver = Chart.one(docs, NetworkPolicy.class, full("driver"));
        assertThat(driver.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(driver.getSpec().getIngress().get(0).getFrom()).singleElement().satisfies(p ->
                assertThat(p.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "spark-executor"));
        assertThat(driver.getSpec().getIngress().get(0).getPorts()).extracting(p -> p.getPort().getIntVal())
                .containsExactlyInAnyOrder(7078, 7079);
        NetworkPolicy clients = Chart.one(docs, NetworkPolicy.class, full("clients"));
        assertThat(clients.getSpec().getIngress()).isNullOrEmpty();
        assertThat(Chart.one(docs, Kafka.class, full("kafka")).getSpec().getKafka().getListeners().get(0)
                .getNetworkPolicyPeers()).hasSize(1);
        // The executor pods carry the labels the policies select on.
        assertThat(executorTemplate(docs).getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/component", "spark-executor");
    }

    @Test
    void leftoverWalkFindsFieldsTheModelsDoNotKnow() {
        List<HasMetadata> docs = Chart.parse("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: i, securityContxt: {}}]
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: k}
                spec: {kafka: {replicaz: 3}}
                """);
        assertThat(docs.get(1)).isInstanceOf(Kafka.class);
        assertThat(leftovers(docs.get(0), "")).singleElement().asString().contains("securityContxt");
        assertThat(leftovers(docs.get(1), "")).singleElement().asString().contains("replicaz");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static String checksum(Map<String, Object> sets) {
        Deployment d = Chart.one(Chart.parse(Chart.template(List.of(), sets)), Deployment.class, full("driver"));
        String sum = d.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/spark-conf");
        assertThat(sum).matches("[0-9a-f]{64}");
        return sum;
    }

    static Map<String, String> sparkConf(List<HasMetadata> docs) {
        Map<String, String> conf = new LinkedHashMap<>();
        String props = Chart.one(docs, ConfigMap.class, full("spark-conf")).getData().get("spark.properties");
        for (String line : props.split("\n")) {
            if (!line.isBlank()) {
                conf.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return conf;
    }

    static Pod executorTemplate(List<HasMetadata> docs) {
        String yaml = Chart.one(docs, ConfigMap.class, full("spark-conf")).getData().get("executor-pod-template.yaml");
        List<HasMetadata> parsed = Chart.parse(yaml);
        assertThat(parsed).singleElement().isInstanceOf(Pod.class);
        assertThat(leftovers(parsed.get(0), "")).as("unknown fields in the executor pod template").isEmpty();
        return (Pod) parsed.get(0);
    }

    /** Every pod spec the chart runs, executors included (their template lives in a ConfigMap). */
    static Map<String, PodSpec> podSpecs(List<HasMetadata> docs) {
        Map<String, PodSpec> specs = new LinkedHashMap<>();
        Chart.all(docs, Deployment.class).forEach(d -> specs.put("Deployment/" + d.getMetadata().getName(),
                d.getSpec().getTemplate().getSpec()));
        Chart.all(docs, Job.class).forEach(j -> specs.put("Job/" + j.getMetadata().getName(),
                j.getSpec().getTemplate().getSpec()));
        Chart.all(docs, Pod.class).forEach(p -> specs.put("Pod/" + p.getMetadata().getName(), p.getSpec()));
        if (docs.stream().anyMatch(d -> d.getMetadata().getName().equals(full("spark-conf")))) {
            specs.put("executor pod template", executorTemplate(docs).getSpec());
        }
        return specs;
    }

    static void assertSecure(String id, PodSpec spec) {
        assertThat(spec.getSecurityContext().getRunAsNonRoot()).as("%s runAsNonRoot", id).isTrue();
        assertThat(spec.getSecurityContext().getSeccompProfile().getType()).as(id).isEqualTo("RuntimeDefault");
        List<Container> all = new ArrayList<>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        for (Container c : all) {
            String cid = id + " container " + c.getName();
            var sc = c.getSecurityContext();
            assertThat(sc).as(cid).isNotNull();
            assertThat(sc.getRunAsNonRoot()).as("%s runAsNonRoot", cid).isTrue();
            assertThat(sc.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", cid).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", cid).isFalse();
            assertThat(sc.getCapabilities().getDrop()).as("%s capabilities", cid).containsExactly("ALL");
            assertThat(sc.getCapabilities().getAdd()).as(cid).isNullOrEmpty();
            assertThat(sc.getSeccompProfile().getType()).as(cid).isEqualTo("RuntimeDefault");
            assertThat(c.getVolumeMounts()).as("%s has a writable /tmp", cid)
                    .anyMatch(m -> m.getMountPath().equals("/tmp"));
            if (!id.equals("executor pod template")) {
                // Spark sets executor resources itself from spark.executor.* settings.
                assertThat(c.getResources().getLimits()).as("%s limits", cid).containsKeys("cpu", "memory");
                assertThat(c.getResources().getRequests()).as("%s requests", cid).containsKeys("cpu", "memory");
            }
        }
    }

    private static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no env " + name));
    }

    /** Paths of fields fabric8 (or Strimzi's model) did not recognise: they land in additionalProperties. */
    static List<String> leftovers(Object o, String path) {
        List<String> out = new ArrayList<>();
        walk(o, path, out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> col) {
            int i = 0;
            for (Object x : col) {
                walk(x, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(path + " " + extra.keySet());
                    }
                } else {
                    walk(v, path + "." + m.getName().substring(3), out, seen);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // getters that compute values may throw on partial objects; they hold no parsed fields
            }
        }
    }
}
