package io.sfcrime.spark.retune.source;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches the tuning ConfigMap with an informer limited to its name (a field selector), which is what the chart's
 * Role allows: get, list and watch on that one ConfigMap. The informer re-lists and re-watches by itself after
 * connection loss; a deleted ConfigMap keeps the job on its last applied tuning.
 */
public final class ConfigMapTuningSource implements TuningSource {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigMapTuningSource.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private SharedIndexInformer<ConfigMap> informer;

    public ConfigMapTuningSource(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public String describe() {
        return "configmap:" + namespace + "/" + name;
    }

    @Override
    public Observed read() {
        return observed(client.configMaps().inNamespace(namespace).withName(name).get());
    }

    private Observed observed(ConfigMap cm) {
        if (cm == null) {
            return Observed.failed("absent", "ConfigMap " + namespace + "/" + name
                    + " does not exist; keeping the last applied tuning");
        }
        Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
        return Observed.of(data, cm.getMetadata().getResourceVersion());
    }

    @Override
    public synchronized void start(Consumer<Observed> onChange) {
        informer = client.configMaps().inNamespace(namespace).withName(name).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                onChange.accept(observed(cm));
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                onChange.accept(observed(after));
            }

            @Override
            public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                onChange.accept(observed(null));
            }
        });
        LOG.info("watching tuning ConfigMap {}/{}", namespace, name);
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }
}
