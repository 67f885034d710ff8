package io.sfcrime.charttests.e2e;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sfcrime.charttests.WithHooks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The chart rendered with helm-java for the rig: its objects, and what the rig reads from them rather than from
 * values (the rendered result is what a cluster would get): ports, addresses, the driver's Spark settings, names.
 */
public final class Release {
    private final String name;
    private final String namespace;
    private final List<HasMetadata> objects;

    private Release(String name, String namespace, List<HasMetadata> objects) {
        this.name = name;
        this.namespace = namespace;
        this.objects = objects;
    }

    /** {@code helm template} of the chart with the values files in order (later ones win). */
    public static Release render(Path chart, String name, String namespace, List<Path> valuesFiles) {
        // helm-java's default Kubernetes version (1.20) is below the chart's kubeVersion; the rig plays a 1.31 node.
        // Rendering sees no cluster, so no Strimzi CRDs: the chart's check of them is off (the rig runs an external Kafka).
        // Hooks too (the producer Job is a post-install hook), as an install creates them; not the test hooks.
        Path copy = WithHooks.chartCopy(chart);
        TemplateCommand t = new Helm(copy).template().withName(name).withNamespace(namespace)
                .withKubeVersion("1.31.2")
                .set("kafka.strimzi.crdCheck", false);
        for (Path f : valuesFiles) {
            t = t.withValuesFile(f);
        }
        String yaml;
        try {
            yaml = WithHooks.restore(t.call());
        } finally {
            WithHooks.delete(copy);
        }
        List<HasMetadata> out = new ArrayList<>();
        // No API server is contacted: the client only deserializes.
        try (KubernetesClient parser = new KubernetesClientBuilder().withConfig(Config.empty()).build()) {
            for (String doc : yaml.split("(?m)^---\\s*$")) {
                if (!doc.isBlank() && doc.contains("kind:")) {
                    // `helm test` hooks are not part of an install: Helm creates them only when asked to test.
                    parser.load(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8))).items().stream()
                            .filter(o -> !isTestHook(o)).forEach(out::add);
                }
            }
        }
        return new Release(name, namespace, List.copyOf(out));
    }

    static boolean isTestHook(HasMetadata o) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        return a != null && List.of(a.getOrDefault(WithHooks.HOOK, "").replace(" ", "").split(",")).contains("test");
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    public List<HasMetadata> objects() {
        return objects;
    }

    public <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends HasMetadata> T one(Class<T> type, String what) {
        List<T> all = all(type);
        if (all.size() != 1) {
            throw new IllegalStateException("the rendered chart has " + all.size() + " " + type.getSimpleName()
                    + " objects, the rig expects one (" + what + ")");
        }
        return all.get(0);
    }

    public Deployment driver() {
        return all(Deployment.class).stream().filter(d -> "driver".equals(component(d))).findFirst()
                .orElseThrow(() -> new IllegalStateException("the rendered chart has no driver Deployment "
                        + "(the rig needs spark.mode=driver)"));
    }

    public Job producer() {
        return all(Job.class).stream().filter(j -> "producer".equals(component(j))).findFirst()
                .orElseThrow(() -> new IllegalStateException("the rendered chart has no producer Job (producer.enabled)"));
    }

    public Container driverContainer() {
        return driver().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The driver's static Spark settings (spark.properties of its ConfigMap). */
    public Properties sparkConf() {
        for (ConfigMap cm : all(ConfigMap.class)) {
            String props = cm.getData() == null ? null : cm.getData().get("spark.properties");
            if (props != null) {
                Properties p = new Properties();
                try {
                    p.load(new StringReader(props));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return p;
            }
        }
        throw new IllegalStateException("the rendered chart has no spark.properties ConfigMap");
    }

    /** The tuning ConfigMap (component tuning). */
    public ConfigMap tuning() {
        return all(ConfigMap.class).stream().filter(c -> "tuning".equals(component(c))).findFirst()
                .orElseThrow(() -> new IllegalStateException("the rendered chart has no tuning ConfigMap"));
    }

    /** The value after {@code option} in the driver's arguments. */
    public Optional<String> driverArg(String option) {
        List<String> args = driverContainer().getArgs();
        int i = args.indexOf(option);
        return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }

    /** The API server's address the driver is given (spark.master = k8s://URL). */
    public URI apiServer() {
        return URI.create(sparkConf().getProperty("spark.master").replaceFirst("^k8s://", ""));
    }

    /** Kafka's bootstrap address as the chart gives it to every client. */
    public String bootstrap() {
        return driverArg("--bootstrap").orElseThrow(() -> new IllegalStateException("the driver has no --bootstrap"));
    }

    public List<PersistentVolumeClaim> claims() {
        return all(PersistentVolumeClaim.class);
    }

    /** The claim and the sub-path behind a path in the driver container, when it is on a persistent volume. */
    public Optional<String[]> driverClaimPath(String containerPath) {
        var spec = driver().getSpec().getTemplate().getSpec();
        for (VolumeMount m : driverContainer().getVolumeMounts()) {
            if (containerPath.equals(m.getMountPath()) || containerPath.startsWith(m.getMountPath() + "/")) {
                for (Volume v : spec.getVolumes()) {
                    if (v.getName().equals(m.getName()) && v.getPersistentVolumeClaim() != null) {
                        return Optional.of(new String[] {v.getPersistentVolumeClaim().getClaimName(),
                                containerPath.substring(m.getMountPath().length()).replaceFirst("^/", "")});
                    }
                }
            }
        }
        return Optional.empty();
    }

    public List<Role> roles() {
        return all(Role.class);
    }

    public List<RoleBinding> roleBindings() {
        return all(RoleBinding.class);
    }

    private static String component(HasMetadata o) {
        return o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get("app.kubernetes.io/component");
    }
}
