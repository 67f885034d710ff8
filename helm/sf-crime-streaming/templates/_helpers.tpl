{{/* Names: every object is <fullname>-<suffix>; fullname is capped so the longest suffix keeps names <= 63. */}}
{{- define "sfcs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "sfcs.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sfcs.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of one component: include "sfcs.selectorLabels" (list . "driver") */}}
{{- define "sfcs.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "sfcs.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* All labels of one component's objects. */}}
{{- define "sfcs.labels" -}}
{{- $root := index . 0 -}}
{{ include "sfcs.selectorLabels" . }}
helm.sh/chart: {{ include "sfcs.chart" $root }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: sf-crime-streaming
{{- with $root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Image of a module: include "sfcs.image" (list . "spark-app") */}}
{{- define "sfcs.image" -}}
{{- $root := index . 0 -}}
{{- printf "%s/%s:%s" $root.Values.image.repositoryPrefix (index . 1) (default $root.Chart.AppVersion $root.Values.image.tag) -}}
{{- end -}}

{{- define "sfcs.kafkaCluster" -}}
{{- default (printf "%s-kafka" (include "sfcs.fullname" .)) .Values.kafka.strimzi.clusterName | trunc 36 | trimSuffix "-" -}}
{{- end -}}

{{/* Strimzi names node pods <cluster>-<pool>-<id>: keep the pool name short so they stay <= 63. */}}
{{- define "sfcs.kafkaPool" -}}
{{- printf "%s-pool" (.Release.Name | trunc 16 | trimSuffix "-") -}}
{{- end -}}

{{- define "sfcs.strimzi" -}}
{{- if not .Values.kafka.externalBootstrap }}true{{ end -}}
{{- end -}}

{{/* Bootstrap address the clients use: Strimzi's bootstrap Service (TLS port with auth) or the external one. */}}
{{- define "sfcs.bootstrap" -}}
{{- if .Values.kafka.externalBootstrap -}}
{{- .Values.kafka.externalBootstrap -}}
{{- else -}}
{{- printf "%s-kafka-bootstrap.%s.svc:%d" (include "sfcs.kafkaCluster" .) .Release.Namespace (ternary 9093 9092 .Values.kafka.auth.enabled | int) -}}
{{- end -}}
{{- end -}}

{{- define "sfcs.topicReplicas" -}}
{{- if gt (int .Values.kafka.topics.replicas) 0 -}}
{{- .Values.kafka.topics.replicas -}}
{{- else -}}
{{- min 3 (int .Values.kafka.strimzi.replicas) -}}
{{- end -}}
{{- end -}}

{{- define "sfcs.kafkaCaSecret" -}}
{{- default (printf "%s-cluster-ca-cert" (include "sfcs.kafkaCluster" .)) .Values.kafka.auth.caSecret -}}
{{- end -}}

{{/* Kafka client settings as KAFKA_* environment variables (ssl.truststore.certificates -> KAFKA_SSL_TRUSTSTORE_CERTIFICATES).
     With auth, the SCRAM JAAS line and the cluster CA come from Secrets. Usage: include "sfcs.kafkaEnv" (list . "producer") */}}
{{- define "sfcs.kafkaEnv" -}}
{{- $root := index . 0 -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "sfcs.bootstrap" $root | quote }}
{{- if $root.Values.kafka.auth.enabled }}
- name: KAFKA_SECURITY_PROTOCOL
  value: SASL_SSL
- name: KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ include "sfcs.kafkaUser" (list $root (index . 1)) }}
      key: sasl.jaas.config
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_TRUSTSTORE_CERTIFICATES
  valueFrom:
    secretKeyRef:
      name: {{ include "sfcs.kafkaCaSecret" $root }}
      key: ca.crt
{{- end }}
{{- end -}}

{{- define "sfcs.kafkaUser" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "sfcs.fullname" $root) (index . 1) -}}
{{- end -}}

{{/* Pod-level security context shared by every pod, executors included. */}}
{{- define "sfcs.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 185
runAsGroup: 185
fsGroup: 185
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "sfcs.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 185
runAsGroup: 185
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Containers of Strimzi's images (Kafka, topic and user operators): their own uid, the rest as the chart's. */}}
{{- define "sfcs.strimziContainerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Where a pod may run and what it pulls with: nodeSelector, tolerations, pull Secrets (no affinity). */}}
{{- define "sfcs.placement" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "sfcs.scheduling" -}}
{{- include "sfcs.placement" . }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The checkpoint: one claim, mounted at the same path by the driver and by every executor. */}}
{{- define "sfcs.checkpointClaim" -}}{{ include "sfcs.fullname" . }}-checkpoint{{- end -}}
{{- define "sfcs.checkpointPath" -}}/var/spark/checkpoint{{- end -}}

{{/* Executors' affinity: the chart's affinity, plus with a ReadWriteOnce checkpoint a required pod affinity to the
     driver's node, the only node where that claim can be mounted. Output: an affinity object, or nothing. */}}
{{- define "sfcs.executorAffinity" -}}
{{- $affinity := deepCopy (default dict .Values.affinity) -}}
{{- if eq .Values.spark.checkpoint.accessMode "ReadWriteOnce" -}}
{{- $podAffinity := default dict (get $affinity "podAffinity") -}}
{{- $required := default list (get $podAffinity "requiredDuringSchedulingIgnoredDuringExecution") -}}
{{- $driver := dict "matchLabels" (fromYaml (include "sfcs.selectorLabels" (list . "driver"))) -}}
{{- $term := dict "labelSelector" $driver "topologyKey" "kubernetes.io/hostname" -}}
{{- $_ := set $podAffinity "requiredDuringSchedulingIgnoredDuringExecution" (append $required $term) -}}
{{- $_ := set $affinity "podAffinity" $podAffinity -}}
{{- end -}}
{{- with $affinity }}{{ toYaml . }}{{ end -}}
{{- end -}}

{{/* Object names. */}}
{{- define "sfcs.driverName" -}}{{ include "sfcs.fullname" . }}-driver{{- end -}}
{{- define "sfcs.driverHeadless" -}}{{ include "sfcs.fullname" . }}-driver-headless{{- end -}}
{{/*
A tuning value as the job's parser reads it. YAML numbers reach templates as float64, which toString writes in
exponent form from 1e+06 on ("8.388608e+06"): a whole number is written as an integer instead.
*/}}
{{- define "sfcs.tuningValue" -}}
{{- if and (kindIs "float64" .) (eq (floor .) .) -}}{{ int64 . }}{{- else -}}{{ toString . }}{{- end -}}
{{- end -}}
{{- define "sfcs.tuningConfigMap" -}}{{ include "sfcs.fullname" . }}-tuning{{- end -}}
{{- define "sfcs.statusConfigMap" -}}{{ .Release.Name | trunc 48 | trimSuffix "-" }}-tuning-status{{- end -}}
{{- define "sfcs.sparkConfConfigMap" -}}{{ include "sfcs.fullname" . }}-spark-conf{{- end -}}
{{- define "sfcs.executorSA" -}}{{ include "sfcs.fullname" . }}-executor{{- end -}}

{{/* The driver's ServiceAccount: the chart's own (serviceAccount.create), or one you made (serviceAccount.name).
     The Role is bound to it either way. */}}
{{- define "sfcs.driverSA" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sfcs.driverName" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false: the driver's pods run as that account, and the chart binds its Role to it" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Pod metadata of a component: the chart's labels (they win over podLabels, selectors depend on them), podLabels,
     podAnnotations plus any given here. Usage: include "sfcs.podMetadata" (list . "driver" (dict "k" "v")) */}}
{{- define "sfcs.podMetadata" -}}
{{- $root := index . 0 -}}
{{- $labels := merge (fromYaml (include "sfcs.labels" (list $root (index . 1)))) (deepCopy $root.Values.podLabels) -}}
{{- $annotations := merge (deepCopy (default dict (index . 2))) (deepCopy $root.Values.podAnnotations) -}}
labels:
  {{- toYaml $labels | nindent 2 }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* extraEnv of every container the chart runs, after the chart's own variables: nothing, or the list indented.
     Usage: include "sfcs.extraEnv" (list . 12) */}}
{{- define "sfcs.extraEnv" -}}
{{- with (index . 0).Values.extraEnv }}
{{- toYaml . | nindent (index $ 1) }}
{{- end }}
{{- end -}}

{{/* Strimzi's CRDs must be installed before the chart (make strimzi-install): without them the install stops at
     "no matches for kind Kafka", which does not say what to install. `helm template` does not see the cluster's APIs
     (helm lint only logs a fail): pass --api-versions kafka.strimzi.io/v1beta2, or set kafka.strimzi.crdCheck=false. */}}
{{- define "sfcs.checkStrimziCrds" -}}
{{- if and (include "sfcs.strimzi" .) .Values.kafka.strimzi.crdCheck (not (.Capabilities.APIVersions.Has "kafka.strimzi.io/v1beta2")) -}}
{{- fail "kafka.strimzi.io/v1beta2 is not served by this cluster: install the Strimzi operator 0.45 and its CRDs first (make strimzi-install), or set kafka.externalBootstrap to use a Kafka you run. For helm template without a cluster: --api-versions kafka.strimzi.io/v1beta2 or --set kafka.strimzi.crdCheck=false" -}}
{{- end -}}
{{- end -}}

{{/* An init container that waits until the topics exist, with the producer image's own CLI (a Kafka Admin that
     lists topics every 5 s): Kafka and the topic operator may still be starting when the pod is scheduled.
     Usage: include "sfcs.waitForTopics" (list . "spark" (list "calls" ...)): the KafkaUser whose credentials it
     uses (it sees only the topics that user may describe) and the topics. */}}
{{- define "sfcs.waitForTopics" -}}
{{- $root := index . 0 -}}
- name: wait-for-topics
  image: {{ include "sfcs.image" (list $root "producer") }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  args:
    - --wait-only
    - --bootstrap
    - {{ include "sfcs.bootstrap" $root | quote }}
    - --wait-for-topics
    - {{ $root.Values.topicWait.seconds | quote }}
    {{- range index . 2 }}
    - --require-topic
    - {{ . | quote }}
    {{- end }}
  env:
    - name: JAVA_OPTS
      value: "-Xmx64m -Djava.io.tmpdir=/tmp"
    {{- include "sfcs.kafkaEnv" (list $root (index . 1)) | nindent 4 }}
  resources:
    {{- toYaml $root.Values.topicWait.resources | nindent 4 }}
  securityContext:
    {{- include "sfcs.containerSecurityContext" $root | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
{{- end -}}

{{/* Static Spark settings of the driver (client mode), one key=value per line: the image's entrypoint turns them
     into -D system properties that SparkConf reads. Tuning keys are NOT here: they come from the tuning ConfigMap.
     Two of Spark's defaults are turned off because they only make API requests the driver's Role need not allow:
     the executors' ConfigMap (the image reads no Spark conf directory; executors get their settings from the
     driver) and the deletion of driver Services at exit (in client mode Spark creates none). */}}
{{- define "sfcs.sparkConf" -}}
{{- $ns := .Release.Namespace -}}
{{- $conf := dict
  "spark.master" (printf "k8s://%s" .Values.spark.apiServer)
  "spark.submit.deployMode" "client"
  "spark.app.name" (include "sfcs.fullname" .)
  "spark.kubernetes.namespace" $ns
  "spark.kubernetes.container.image" (include "sfcs.image" (list . "spark-app"))
  "spark.kubernetes.container.image.pullPolicy" .Values.image.pullPolicy
  "spark.kubernetes.authenticate.driver.serviceAccountName" (include "sfcs.driverName" .)
  "spark.kubernetes.authenticate.executor.serviceAccountName" (include "sfcs.executorSA" .)
  "spark.kubernetes.executor.podTemplateFile" "/etc/sfcrime/spark/executor-pod-template.yaml"
  "spark.kubernetes.executor.podNamePrefix" (include "sfcs.fullname" .)
  "spark.kubernetes.executor.request.cores" .Values.spark.executor.requestCores
  "spark.kubernetes.executor.limit.cores" .Values.spark.executor.limitCores
  "spark.executor.memoryOverhead" .Values.spark.executor.memoryOverhead
  "spark.driver.memory" .Values.spark.driver.memory
  "spark.kubernetes.driver.reusePersistentVolumeClaim" "false"
  "spark.kubernetes.driver.ownPersistentVolumeClaim" "false"
  "spark.kubernetes.executor.disableConfigMap" "true"
  "spark.kubernetes.driver.service.deleteOnTermination" "false"
  "spark.driver.host" (printf "%s.%s.svc.%s" (include "sfcs.driverHeadless" .) $ns .Values.clusterDomain)
  "spark.driver.port" (toString .Values.spark.driverPort)
  "spark.driver.blockManager.port" (toString .Values.spark.blockManagerPort)
  "spark.blockManager.port" (toString .Values.spark.blockManagerPort)
  "spark.ui.port" (toString .Values.spark.uiPort)
  "spark.local.dir" "/var/spark/scratch"
  "spark.executor.extraJavaOptions" "-Djava.io.tmpdir=/tmp"
-}}
{{- $conf = merge (deepCopy .Values.spark.conf) $conf -}}
{{- range $i, $k := keys $conf | sortAlpha }}
{{- if $i }}{{ "\n" }}{{ end }}{{ $k }}={{ get $conf $k }}
{{- end }}
{{- end -}}

{{/* NetworkPolicy egress rules to Kafka: the Strimzi cluster's pods, or any address on the external Kafka ports. */}}
{{- define "sfcs.kafkaEgress" -}}
{{- if include "sfcs.strimzi" . -}}
- to:
    - podSelector:
        matchLabels:
          strimzi.io/cluster: {{ include "sfcs.kafkaCluster" . }}
          strimzi.io/kind: Kafka
  ports:
    - {port: 9092, protocol: TCP}
    - {port: 9093, protocol: TCP}
{{- else -}}
- ports:
    {{- range .Values.networkPolicy.externalKafkaPorts }}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
{{- end }}
{{- end -}}

{{- define "sfcs.dnsEgress" -}}
- to:
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
{{- end -}}

{{/* Sizes in MiB, for checks: a Kubernetes quantity (1536Mi, 1.5Gi, 2G; "m" is milli) and a JVM size (1g, 1536m). */}}
{{- define "sfcs.quantityMiB" -}}
{{- $m := regexFind "^[0-9.]+" (toString .) -}}
{{- $unit := trimPrefix $m (toString .) -}}
{{- $factor := get (dict "" 0.00000095367431640625 "Ki" 0.0009765625 "Mi" 1.0 "Gi" 1024.0 "Ti" 1048576.0
  "k" 0.0009536743164 "M" 0.95367431640625 "G" 953.67431640625 "T" 953674.31640625 "m" 0.00000000095367431640625) $unit -}}
{{- if not $factor }}{{ fail (printf "cannot read the memory quantity %v" .) }}{{ end -}}
{{- mulf (float64 $m) $factor -}}
{{- end -}}

{{- define "sfcs.jvmMiB" -}}
{{- $n := regexFind "^[0-9]+" (toString .) -}}
{{- $unit := lower (trimPrefix $n (toString .)) -}}
{{- mulf (float64 $n) (get (dict "k" 0.0009765625 "m" 1.0 "g" 1024.0) $unit) -}}
{{- end -}}

{{/* One way to set the driver's heap: spark.driver.memory, not a spark.conf entry that would bypass the check below. */}}
{{- define "sfcs.checkHeapSetOnce" -}}
{{- if hasKey .Values.spark.conf "spark.driver.memory" -}}
{{- fail "spark.conf must not set spark.driver.memory: set spark.driver.memory (the driver's heap, checked against its memory limit) instead" -}}
{{- end -}}
{{- end -}}

{{/* The driver's container must hold its heap plus what Spark reserves off-heap: max(384 MiB, 10% of the heap). */}}
{{- define "sfcs.checkDriverMemory" -}}
{{- include "sfcs.checkHeapSetOnce" . -}}
{{- $heap := include "sfcs.jvmMiB" .Values.spark.driver.memory | float64 -}}
{{- $limit := include "sfcs.quantityMiB" .Values.spark.driver.resources.limits.memory | float64 -}}
{{- $overhead := maxf 384.0 (mulf $heap 0.1) -}}
{{- if gt (addf $heap $overhead) $limit -}}
{{- fail (printf "spark.driver.memory (%s) plus the off-heap overhead (%.0fMi: max(384Mi, 10%% of the heap)) does not fit in spark.driver.resources.limits.memory (%v): raise the limit or lower the heap" .Values.spark.driver.memory $overhead .Values.spark.driver.resources.limits.memory) -}}
{{- end -}}
{{- end -}}

{{/* The file the driver and the consumer touch while they make progress (--alive-file); /tmp is their emptyDir. */}}
{{- define "sfcs.aliveFile" -}}/tmp/sfcrime-alive{{- end -}}

{{/* The driver's probes. Startup: the UI answers (the SparkSession is up) within spark.probes.startupSeconds.
     Readiness and liveness: the file the driver touches at each query start and at each progress event of every
     query (one per batch; while a query waits for data Spark 3.5 reports it idle every
     spark.sql.streaming.noDataProgressEventInterval, 10 s) is younger than spark.probes.progressMaxAgeSeconds, so a
     driver whose queries stopped or hang is not ready, then restarted. */}}
{{- define "sfcs.driverProbes" -}}
{{- $p := .Values.spark.probes -}}
startupProbe:
  tcpSocket:
    port: ui
  periodSeconds: 5
  failureThreshold: {{ div (int $p.startupSeconds) 5 }}
readinessProbe:
  {{- include "sfcs.aliveCheck" (list (include "sfcs.aliveFile" .) $p.progressMaxAgeSeconds) | nindent 2 }}
  periodSeconds: 10
  failureThreshold: 3
livenessProbe:
  {{- include "sfcs.aliveCheck" (list (include "sfcs.aliveFile" .) $p.progressMaxAgeSeconds) | nindent 2 }}
  periodSeconds: 30
  timeoutSeconds: 5
  failureThreshold: {{ $p.livenessFailures }}
{{- end -}}

{{/* An exec probe: the alive file exists and was touched within the given seconds (bash and coreutils of the image;
     no JVM started per probe). Usage: include "sfcs.aliveCheck" (list PATH SECONDS) */}}
{{- define "sfcs.aliveCheck" -}}
exec:
  command:
    - bash
    - -c
    - {{ printf "f=%s; [ -f $f ] && [ $(( $(date +%%s) - $(stat -c %%Y $f) )) -le %d ]" (index . 0) (int (index . 1)) | quote }}
{{- end -}}
