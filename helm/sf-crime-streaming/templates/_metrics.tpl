{{/* Observability (metrics.*): kept apart from the other templates. */}}

{{/* The consumer group the driver commits processed offsets to (lag tools only; the job never reads it back).
     Under the release's group prefix, which the spark KafkaUser may Read. */}}
{{- define "sfcs.consumerGroup" -}}
{{- default (printf "%s-spark" (include "sfcs.fullname" .)) .Values.metrics.consumerGroup -}}
{{- end -}}

{{- define "sfcs.kafkaMetricsConfigMap" -}}{{ include "sfcs.fullname" . }}-kafka-metrics{{- end -}}

{{/* Render PodMonitors: the Prometheus operator's API is there, or the user says it will be. */}}
{{- define "sfcs.podMonitors" -}}
{{- if and .Values.metrics.enabled (or .Values.metrics.podMonitor.force (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1")) -}}
true
{{- end -}}
{{- end -}}

{{/* spec.kafka.metricsConfig of the Kafka CR (metrics.enabled): Strimzi runs the JMX exporter agent with these rules on port 9404. */}}
{{- define "sfcs.kafkaMetricsConfig" -}}
metricsConfig:
  type: jmxPrometheusExporter
  valueFrom:
    configMapKeyRef:
      name: {{ include "sfcs.kafkaMetricsConfigMap" . }}
      key: kafka-metrics-config.yml
{{- end -}}

{{/* spec.kafkaExporter of the Kafka CR (metrics.enabled): topic offsets and consumer-group lag (the driver's group included). */}}
{{- define "sfcs.kafkaExporter" -}}
kafkaExporter:
  topicRegex: {{ .Values.metrics.kafkaExporter.topicRegex | quote }}
  groupRegex: {{ .Values.metrics.kafkaExporter.groupRegex | quote }}
  resources:
    {{- toYaml .Values.metrics.kafkaExporter.resources | nindent 4 }}
{{- end -}}
