package io.sfcrime.charttests.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What the rig's kubelet reads from the API for a pod: ConfigMaps, ServiceAccounts, claims, Services (resolving to
 * the addresses the runner gave the pods they select, or to their cluster IP), and the ServiceAccount token the
 * API server issues.
 */
final class ClusterLookup implements KubePlay.Lookup {
    private final KubernetesClient api;
    private final Map<String, String> podIps;
    private final BiFunction<String, String, String> tokens;
    private final byte[] caCert;

    ClusterLookup(KubernetesClient api, Map<String, String> podIps, BiFunction<String, String, String> tokens,
                  byte[] caCert) {
        this.api = api;
        this.podIps = podIps;
        this.tokens = tokens;
        this.caCert = caCert.clone();
    }

    @Override
    public Optional<ConfigMap> configMap(String ns, String name) {
        return Optional.ofNullable(api.configMaps().inNamespace(ns).withName(name).get());
    }

    @Override
    public Optional<ServiceAccount> serviceAccount(String ns, String name) {
        return Optional.ofNullable(api.serviceAccounts().inNamespace(ns).withName(name).get());
    }

    @Override
    public Optional<PersistentVolumeClaim> claim(String ns, String name) {
        return Optional.ofNullable(api.persistentVolumeClaims().inNamespace(ns).withName(name).get());
    }

    @Override
    public List<Service> services() {
        return api.services().inAnyNamespace().list().getItems();
    }

    @Override
    public List<String> endpoints(Service s) {
        Map<String, String> selector = s.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            String ip = s.getSpec().getClusterIP();
            return ip != null && ip.matches("[0-9.]+") ? List.of(ip) : List.of();
        }
        List<String> ips = new ArrayList<>();
        for (Pod p : api.pods().inNamespace(s.getMetadata().getNamespace()).withLabels(selector).list().getItems()) {
            String ip = podIps.get(p.getMetadata().getName());
            if (ip != null) {
                ips.add(ip);
            }
        }
        return ips;
    }

    @Override
    public String token(String ns, String serviceAccount) {
        return tokens.apply(ns, serviceAccount);
    }

    @Override
    public byte[] caCert() {
        return caCert.clone();
    }
}
