package io.sfcrime.spark.retune.status;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The status ConfigMap ({@code <release>-tuning-status}) and Events on the driver pod. Progress-only updates are
 * throttled: one API write per micro-batch would load the API server for nothing. A failed write is logged and
 * never stops the job.
 */
public final class ConfigMapStatusSink implements StatusSink {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigMapStatusSink.class);
    static final String COMPONENT = "sf-crime-streaming-retune";
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String podName;
    private final Map<String, String> labels;
    private final Duration progressInterval;
    private Instant lastWrite = Instant.EPOCH;
    private String podUid;

    public ConfigMapStatusSink(KubernetesClient client, String namespace, String name, String podName,
                               Map<String, String> labels, Duration progressInterval) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.podName = podName;
        this.labels = labels;
        this.progressInterval = progressInterval;
    }

    /** The status a previous driver left, or null (none, unreadable: the counts start again from zero). */
    public TuningStatus read() {
        try {
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
            return cm == null || cm.getData() == null ? null : TuningStatus.fromConfigMapData(cm.getData());
        } catch (KubernetesClientException | IllegalArgumentException e) {
            LOG.warn("cannot read status ConfigMap {}/{}: {}", namespace, name, e.getMessage());
            return null;
        }
    }

    @Override
    public synchronized void write(TuningStatus status, boolean change) {
        Instant now = Instant.now();
        if (!change && now.isBefore(lastWrite.plus(progressInterval))) {
            return;
        }
        ConfigMap cm = new ConfigMapBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withData(status.toConfigMapData())
                .build();
        try {
            client.configMaps().inNamespace(namespace).resource(cm).createOrReplace();
            lastWrite = now;
        } catch (KubernetesClientException e) {
            LOG.warn("cannot write status ConfigMap {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    @Override
    public synchronized void event(boolean warning, String reason, String message) {
        if (podName == null) {
            return;
        }
        String time = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        Event event = new EventBuilder()
                .withNewMetadata().withName(podName + "." + Long.toHexString(System.nanoTime()))
                .withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withName(podName)
                .withNamespace(namespace).withUid(podUid()).endInvolvedObject()
                .withReason(reason).withMessage(text).withType(warning ? "Warning" : "Normal")
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(podName)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn("cannot record Event {} on pod {}: {}", reason, podName, e.getMessage());
        }
    }

    private String podUid() {
        if (podUid == null) {
            try {
                Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
                podUid = pod == null ? null : pod.getMetadata().getUid();
            } catch (KubernetesClientException e) {
                LOG.debug("cannot read pod {}: {}", podName, e.getMessage());
            }
        }
        return podUid;
    }
}
