{{/* Executor pod template (spark.kubernetes.executor.podTemplateFile): Spark fills in image, env, resources and
     owner reference; the template adds what Spark has no setting for: security contexts, scratch volumes, labels,
     the checkpoint and the placement the checkpoint's access mode needs. */}}
{{- define "sfcs.executorPodTemplate" -}}
apiVersion: v1
kind: Pod
metadata:
  labels:
    {{- include "sfcs.labels" (list . "spark-executor") | nindent 4 }}
spec:
  serviceAccountName: {{ include "sfcs.executorSA" . }}
  automountServiceAccountToken: false
  securityContext:
    {{- include "sfcs.podSecurityContext" . | nindent 4 }}
  {{- include "sfcs.placement" . | nindent 2 }}
  {{- with include "sfcs.executorAffinity" . }}
  affinity:
    {{- . | nindent 4 }}
  {{- end }}
  containers:
    - name: spark-kubernetes-executor
      securityContext:
        {{- include "sfcs.containerSecurityContext" . | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        # Named spark-local-dir-*: Spark then uses this volume for spark.local.dir instead of adding its own
        # emptyDir at the same path (which the API server would reject as a duplicate mount).
        - name: spark-local-dir-1
          mountPath: /var/spark/scratch
        # Executors write the aggregation state themselves (<checkpoint>/<query>/state/...): the same claim at the
        # same path as the driver's, or the first stateful batch fails on every executor.
        - name: checkpoint
          mountPath: {{ include "sfcs.checkpointPath" . }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    - name: spark-local-dir-1
      emptyDir:
        sizeLimit: {{ .Values.spark.scratchSize }}
    - name: checkpoint
      persistentVolumeClaim:
        claimName: {{ include "sfcs.checkpointClaim" . }}
{{- end -}}
