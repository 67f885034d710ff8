package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a pod of the API into what {@code podman kube play} (podman 4.3) can run on this one node, on a copy, and
 * says what it changed. What a kubelet and the cluster would provide is provided the kubelet's way: the
 * ServiceAccount token, CA and namespace files, {@code KUBERNETES_SERVICE_HOST/PORT}, downward-API values, emptyDir
 * and ConfigMap volumes as per-pod host directories, a managed {@code /etc/hosts} with the pod's hostname, its
 * hostAliases and every Service name of the API (the cluster DNS: every pod is on 127.0.0.1). What podman cannot do
 * is rewritten: the pod joins the node's network (so Services resolve to it), container ports are dropped (podman
 * refuses port mappings on the host network), probes are taken out (the runner probes readiness itself), scheduling
 * fields are taken out (the runner checks them against its one node). A PersistentVolumeClaim stays a claim: podman
 * makes it a named volume of the claim's name, shared by every pod that mounts it, as on one node.
 * Decisions only: {@link PodRunner} writes the files and runs podman.
 */
public final class KubePlay {
    public static final String RIG_LABEL = "e2e.sfcrime.io/rig";
    public static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    /** The node the pods run on: its name and address, where the API server listens, the rig's label value. */
    public record Node(String name, String ip, String apiHost, int apiPort, String rig) {
    }

    /** What the kubelet looks up in the API for a pod. */
    public interface Lookup {
        Optional<ConfigMap> configMap(String namespace, String name);

        Optional<ServiceAccount> serviceAccount(String namespace, String name);

        Optional<PersistentVolumeClaim> claim(String namespace, String name);

        List<Service> services();

        /** The addresses a Service's name resolves to: its pods' IPs, or its cluster IP when it selects none. */
        List<String> endpoints(Service service);

        /** The bearer token of the ServiceAccount, as the token projection would write it. */
        String token(String namespace, String serviceAccount);

        byte[] caCert();
    }

    /**
     * A readiness probe the runner evaluates: a command run in the container when {@code command} is set (exit 0:
     * ready), else a TCP connect, or an HTTP GET when {@code path} is set.
     */
    public record Readiness(String container, int port, String path, List<String> command) {
        public Readiness(String container, int port, String path) {
            this(container, port, path, null);
        }
    }

    /**
     * The pod as podman will play it. {@code files} (relative to the pod's directory) must be written first;
     * {@code emptyDirs} are created world-writable as the kubelet does. {@code waiting} says why the pod cannot
     * start yet (a ConfigMap or claim not in the API), as a kubelet keeps retrying its volume mounts.
     */
    public record Plan(String yaml, List<String> rewrites, Map<String, byte[]> files, List<String> emptyDirs,
                       List<String> claims, List<Readiness> readiness, String waiting) {
    }

    /** An unsupported pod spec: the pod fails as a kubelet fails a container it cannot configure. */
    public static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private final Pod original;
    private final Node node;
    private final Lookup lookup;
    private final Path podDir;
    private final String podIp;
    private final Pod pod;
    private final Set<String> rewrites = new LinkedHashSet<>();
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final List<String> emptyDirs = new ArrayList<>();
    private final List<String> claims = new ArrayList<>();
    private final List<Readiness> readiness = new ArrayList<>();
    private String waiting;

    private KubePlay(Pod original, Node node, Lookup lookup, Path podDir, String podIp) {
        this.original = original;
        this.node = node;
        this.lookup = lookup;
        this.podDir = podDir;
        this.podIp = podIp;
        this.pod = new PodBuilder(original).build();
    }

    /**
     * @param podIp the pod's own address: a loopback address of its own (127.0.0.N), which it learns from
     *              {@code status.podIP} as on a cluster, so two pods never look like one host to Spark
     */
    public static Plan prepare(Pod pod, Node node, Lookup lookup, Path podDir, String podIp) {
        return new KubePlay(pod, node, lookup, podDir, podIp).plan();
    }

    private Plan plan() {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getVolumeMounts() == null) {
                c.setVolumeMounts(new ArrayList<>());
            }
        }
        metadata();
        network();
        volumes();
        serviceAccount();
        hostsFile();
        for (Container c : pod.getSpec().getContainers()) {
            container(c);
        }
        if (pod.getSpec().getInitContainers() != null && !pod.getSpec().getInitContainers().isEmpty()) {
            throw new Unsupported("init containers are not run by the rig");
        }
        return new Plan(Serialization.asYaml(pod), List.copyOf(rewrites), files, emptyDirs, claims, readiness, waiting);
    }

    private String ns() {
        return original.getMetadata().getNamespace();
    }

    /** Only name and labels matter to podman; the rig's label finds the pod again after an interrupted run. */
    private void metadata() {
        ObjectMeta m = new ObjectMeta();
        m.setName(original.getMetadata().getName());
        Map<String, String> labels = new LinkedHashMap<>();
        if (original.getMetadata().getLabels() != null) {
            labels.putAll(original.getMetadata().getLabels());
        }
        labels.put(RIG_LABEL, node.rig());
        m.setLabels(labels);
        pod.setMetadata(m);
        pod.setStatus(null);
        rewrites.add("metadata: label " + RIG_LABEL + "=" + node.rig() + " added (finds the pod after an interrupted run)");
    }

    private void network() {
        var spec = pod.getSpec();
        if (!Boolean.TRUE.equals(spec.getHostNetwork())) {
            spec.setHostNetwork(true);
            rewrites.add("hostNetwork: true (the pod runs on the node's address, where Service names resolve)");
        }
        spec.setDnsPolicy(null);
        if (spec.getAffinity() != null || !isEmpty(spec.getNodeSelector()) || !isEmpty(spec.getTolerations())) {
            rewrites.add("affinity, nodeSelector, tolerations: checked by the runner's scheduler, then removed");
        }
        spec.setAffinity(null);
        spec.setNodeSelector(null);
        spec.setTolerations(null);
        spec.setSchedulerName(null);
        spec.setNodeName(null);
        spec.setHostAliases(null);
        spec.setImagePullSecrets(null);
    }

    private void volumes() {
        List<Volume> out = new ArrayList<>();
        for (Volume v : Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of())) {
            String dir = "volumes/" + v.getName();
            if (v.getEmptyDir() != null) {
                emptyDirs.add(dir);
                out.add(hostPath(v.getName(), dir, "DirectoryOrCreate"));
                rewrites.add("emptyDir volumes: a directory per pod on the node (sizeLimit not enforced)");
            } else if (v.getConfigMap() != null) {
                project(v, dir);
                out.add(hostPath(v.getName(), dir, "Directory"));
                rewrites.add("configMap volumes: projected by the runner into a directory per pod, mounted read-only");
            } else if (v.getPersistentVolumeClaim() != null) {
                String claim = v.getPersistentVolumeClaim().getClaimName();
                if (lookup.claim(ns(), claim).isEmpty()) {
                    waiting = "persistentvolumeclaim \"" + claim + "\" not found";
                }
                claims.add(claim);
                out.add(v);
            } else if (v.getHostPath() != null) {
                out.add(v);
            } else {
                throw new Unsupported("volume " + v.getName() + ": only emptyDir, configMap, persistentVolumeClaim and "
                        + "hostPath volumes are supported by the rig");
            }
        }
        pod.getSpec().setVolumes(out);
    }

    private void project(Volume v, String dir) {
        String name = v.getConfigMap().getName();
        Optional<ConfigMap> cm = lookup.configMap(ns(), name);
        if (cm.isEmpty()) {
            if (!Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
                waiting = "configmap \"" + name + "\" not found";
            }
            return;
        }
        Map<String, String> data = Optional.ofNullable(cm.get().getData()).orElse(Map.of());
        List<KeyToPath> items = v.getConfigMap().getItems();
        if (items == null || items.isEmpty()) {
            data.forEach((k, value) -> files.put(dir + "/" + k, value.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        for (KeyToPath item : items) {
            String value = data.get(item.getKey());
            if (value == null) {
                waiting = "configmap \"" + name + "\" has no key " + item.getKey();
                return;
            }
            files.put(dir + "/" + item.getPath(), value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The token projection of a pod whose ServiceAccount (or the pod itself) asks for a token. */
    private void serviceAccount() {
        String saName = Optional.ofNullable(pod.getSpec().getServiceAccountName()).orElse("default");
        Optional<ServiceAccount> sa = lookup.serviceAccount(ns(), saName);
        if (sa.isEmpty()) {
            throw new Unsupported("serviceaccount \"" + saName + "\" not found (a cluster refuses such a pod)");
        }
        Boolean podSays = pod.getSpec().getAutomountServiceAccountToken();
        Boolean saSays = sa.get().getAutomountServiceAccountToken();
        boolean mount = podSays != null ? podSays : saSays == null || saSays;
        if (!mount) {
            return;
        }
        files.put("serviceaccount/token", lookup.token(ns(), saName).getBytes(StandardCharsets.UTF_8));
        files.put("serviceaccount/ca.crt", lookup.caCert());
        files.put("serviceaccount/namespace", ns().getBytes(StandardCharsets.UTF_8));
        pod.getSpec().getVolumes().add(hostPath("kube-api-access", "serviceaccount", "Directory"));
        for (Container c : pod.getSpec().getContainers()) {
            c.getVolumeMounts().add(new VolumeMountBuilder().withName("kube-api-access")
                    .withMountPath(SERVICE_ACCOUNT_DIR).withReadOnly(true).build());
        }
        rewrites.add("ServiceAccount token: token, ca.crt and namespace mounted at " + SERVICE_ACCOUNT_DIR
                + " as the kubelet's projection does");
    }

    /**
     * The kubelet's managed {@code /etc/hosts}: podman 4.3 drops hostAliases under host networking, so the runner
     * writes them, with the pod's hostname and the names of every Service in the API (the cluster DNS stand-in).
     */
    private void hostsFile() {
        StringBuilder hosts = new StringBuilder("# Kubernetes-managed hosts file (e2e pod runner, host network).\n")
                .append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        String hostname = Optional.ofNullable(original.getSpec().getHostname()).orElse(original.getMetadata().getName());
        hosts.append(podIp).append('\t').append(hostname).append('\n');
        List<HostAlias> aliases = Optional.ofNullable(original.getSpec().getHostAliases()).orElse(List.of());
        if (!aliases.isEmpty()) {
            hosts.append("# Entries added by HostAliases.\n");
            for (HostAlias a : aliases) {
                hosts.append(a.getIp()).append('\t').append(String.join(" ", a.getHostnames())).append('\n');
            }
        }
        hosts.append("# Cluster DNS stand-in: the Services of the API and the addresses of their pods.\n");
        for (Service s : lookup.services()) {
            String name = s.getMetadata().getName();
            String sns = s.getMetadata().getNamespace();
            for (String ip : lookup.endpoints(s)) {
                hosts.append(ip).append('\t').append(name).append('.').append(sns).append(".svc.cluster.local ")
                        .append(name).append('.').append(sns).append(".svc ").append(name).append('.').append(sns)
                        .append(sns.equals(ns()) ? " " + name : "").append('\n');
            }
        }
        files.put("hosts", hosts.toString().getBytes(StandardCharsets.UTF_8));
        pod.getSpec().getVolumes().add(hostPath("etc-hosts", "hosts", "File"));
        for (Container c : pod.getSpec().getContainers()) {
            c.getVolumeMounts().add(new VolumeMountBuilder().withName("etc-hosts").withMountPath("/etc/hosts")
                    .withReadOnly(true).build());
        }
        rewrites.add("/etc/hosts: the kubelet's managed file with the pod's hostname, its hostAliases and the Service "
                + "names of the API (podman 4.3 drops hostAliases on the host network)");
    }

    private void container(Container c) {
        Probe probe = c.getReadinessProbe();
        if (probe != null) {
            readiness.add(readiness(c, probe));
        }
        if (probe != null || c.getLivenessProbe() != null || c.getStartupProbe() != null) {
            rewrites.add("probes: removed; the runner evaluates readiness probes itself (liveness is not evaluated)");
        }
        c.setReadinessProbe(null);
        c.setLivenessProbe(null);
        c.setStartupProbe(null);
        if (c.getPorts() != null && !c.getPorts().isEmpty()) {
            rewrites.add("container ports: removed (podman 4.3 refuses port mappings on the host network; the "
                    + "processes listen on the node's address)");
            c.setPorts(null);
        }
        List<EnvVar> env = new ArrayList<>();
        for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            env.add(e.getValueFrom() == null ? e : new EnvVar(e.getName(), resolve(c, e), null));
        }
        if (env.stream().noneMatch(e -> e.getName().equals("KUBERNETES_SERVICE_HOST"))) {
            env.add(new EnvVar("KUBERNETES_SERVICE_HOST", node.apiHost(), null));
            env.add(new EnvVar("KUBERNETES_SERVICE_PORT", String.valueOf(node.apiPort()), null));
            rewrites.add("env: KUBERNETES_SERVICE_HOST/PORT of the API server added, as the kubelet does");
        }
        c.setEnv(env);
        if (c.getEnvFrom() != null && !c.getEnvFrom().isEmpty()) {
            throw new Unsupported("container " + c.getName() + ": envFrom is not supported by the rig");
        }
    }

    private String resolve(Container c, EnvVar e) {
        var from = e.getValueFrom();
        if (from.getFieldRef() != null) {
            String path = from.getFieldRef().getFieldPath();
            String value = field(path);
            if (value == null) {
                throw new Unsupported("container " + c.getName() + ": env " + e.getName() + " fieldRef " + path
                        + " is not supported by the rig");
            }
            rewrites.add("env fieldRef " + path + ": the pod's value filled in" + (path.startsWith("status.podIP")
                    ? " (a loopback address of the pod's own, 127.0.0.N, so pods never share an address)" : ""));
            return value;
        }
        if (from.getConfigMapKeyRef() != null) {
            String name = from.getConfigMapKeyRef().getName();
            String key = from.getConfigMapKeyRef().getKey();
            String value = lookup.configMap(ns(), name).map(ConfigMap::getData).map(d -> d.get(key)).orElse(null);
            if (value == null) {
                waiting = "configmap \"" + name + "\" key " + key + " not found";
                return "";
            }
            rewrites.add("env configMapKeyRef: the value filled in from the API");
            return value;
        }
        throw new Unsupported("container " + c.getName() + ": env " + e.getName()
                + " takes its value from a Secret or resource field, which the rig does not provide");
    }

    private String field(String path) {
        ObjectMeta m = original.getMetadata();
        if (path.startsWith("metadata.labels['") || path.startsWith("metadata.annotations['")) {
            String key = path.substring(path.indexOf("['") + 2, path.length() - 2);
            Map<String, String> map = path.startsWith("metadata.labels") ? m.getLabels() : m.getAnnotations();
            return map == null ? "" : map.getOrDefault(key, "");
        }
        return switch (path) {
            case "metadata.name" -> m.getName();
            case "metadata.namespace" -> m.getNamespace();
            case "metadata.uid" -> m.getUid();
            case "spec.nodeName" -> node.name();
            case "spec.serviceAccountName" -> original.getSpec().getServiceAccountName();
            case "status.podIP", "status.podIPs" -> podIp;
            case "status.hostIP", "status.hostIPs" -> node.ip();
            default -> null;
        };
    }

    private Readiness readiness(Container c, Probe probe) {
        if (probe.getTcpSocket() != null) {
            return new Readiness(c.getName(), port(c, probe.getTcpSocket().getPort()), null);
        }
        if (probe.getHttpGet() != null) {
            return new Readiness(c.getName(), port(c, probe.getHttpGet().getPort()),
                    Optional.ofNullable(probe.getHttpGet().getPath()).orElse("/"));
        }
        if (probe.getExec() != null && probe.getExec().getCommand() != null && !probe.getExec().getCommand().isEmpty()) {
            return new Readiness(c.getName(), 0, null, List.copyOf(probe.getExec().getCommand()));
        }
        throw new Unsupported("container " + c.getName() + ": only exec, tcpSocket and httpGet readiness probes are supported");
    }

    private static int port(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        for (ContainerPort p : Optional.ofNullable(c.getPorts()).orElse(List.of())) {
            if (port.getStrVal().equals(p.getName())) {
                return p.getContainerPort();
            }
        }
        throw new Unsupported("container " + c.getName() + ": probe port " + port.getStrVal() + " is not a named port");
    }

    private static boolean isEmpty(Object mapOrList) {
        return mapOrList == null || (mapOrList instanceof Map<?, ?> m && m.isEmpty())
                || (mapOrList instanceof List<?> l && l.isEmpty());
    }

    private Volume hostPath(String name, String relative, String type) {
        return new VolumeBuilder().withName(name).withNewHostPath().withPath(podDir.resolve(relative).toString())
                .withType(type).endHostPath().build();
    }
}
