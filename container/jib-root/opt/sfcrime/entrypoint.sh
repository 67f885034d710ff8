#!/bin/bash
# Entrypoint of the sf-crime-streaming images (producer, consumer, spark-app).
#
#   executor            run a Spark executor the way Spark's Kubernetes scheduler starts one: the executor pod
#                       gets this argument plus SPARK_* environment variables (driver URL, id, cores, memory...).
#   driver              run spark-submit in client mode inside the pod (how the Spark Operator starts a driver
#                       pod: `driver --properties-file ... --class ... RESOURCE ARGS`).
#   anything else       run the image's main class (APP_MAIN_CLASS, set at build time) with those arguments;
#                       in the spark-app image that is the driver.
#
# Java options come from JAVA_OPTS; the driver also gets every key=value line of SPARK_CONF_FILE as a Java system
# property (SparkConf reads spark.* system properties), which is how the chart hands Spark its settings without
# spark-submit. The driver's JVM is already running when Spark reads spark.driver.memory, so, as spark-submit's
# launcher does, the entrypoint turns that setting (from SPARK_CONF_FILE, or the --properties-file of `driver`) into
# -Xmx. Spark on Java 17 needs the --add-opens of spark-java17.args in every JVM, driver and executors alike.
set -euo pipefail

app_home="${APP_HOME:-/app}"

# Hadoop's login (used by Spark for the checkpoint file system) fails with "invalid null input: name" when the
# uid has no passwd entry, as with an arbitrary runAsUser. Add one when we can, as Spark's own image does.
if ! getent passwd "$(id -u)" >/dev/null 2>&1; then
  if [[ -w /etc/passwd ]]; then
    echo "$(id -u):x:$(id -u):$(id -g):${SPARK_USER_NAME:-anonymous uid}:${HOME:-/tmp}:/bin/false" >> /etc/passwd
  else
    echo "entrypoint: uid $(id -u) has no passwd entry and /etc/passwd is read-only; run as uid 185 (the image's user)" >&2
  fi
fi

# A java argument file beside this script, generated from common's SparkJavaFlags (bin/lib.sh passes it too).
java17_flags=("@$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/spark-java17.args")

# Jib lays the application out as resources, classes and libs; it also writes the exact classpath to a file.
if [[ -r "$app_home/jib-classpath-file" ]]; then
  classpath="$(cat "$app_home/jib-classpath-file")"
else
  classpath="$app_home/resources:$app_home/classes:$app_home/libs/*"
fi
classpath="${SPARK_EXTRA_CLASSPATH:+$SPARK_EXTRA_CLASSPATH:}$classpath"

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
read -r -a java_opts <<< "${JAVA_OPTS:-}"

# -Xmx from spark.driver.memory in a properties file (key=value or key:value lines), if it sets one.
driver_heap() {
  local file="$1" memory
  [[ -r "$file" ]] || return 0
  memory="$(sed -n 's/^[[:space:]]*spark\.driver\.memory[[:space:]]*[=:][[:space:]]*\([^[:space:]]*\).*/\1/p' "$file" | tail -1)"
  [[ -n "$memory" ]] && echo "-Xmx$memory"
  return 0
}

require() {
  local missing=()
  for v in "$@"; do [[ -n "${!v:-}" ]] || missing+=("$v"); done
  if (( ${#missing[@]} )); then
    echo "entrypoint: executor mode needs ${missing[*]} (Spark's Kubernetes scheduler sets them on executor pods)" >&2
    exit 64
  fi
}

case "${1:-}" in
  executor)
    shift
    if ! compgen -G "$app_home/libs/spark-core_*.jar" >/dev/null; then
      echo "entrypoint: this image has no Spark; executors run from the spark-app image" >&2
      exit 64
    fi
    require SPARK_DRIVER_URL SPARK_EXECUTOR_ID SPARK_EXECUTOR_CORES SPARK_EXECUTOR_MEMORY SPARK_APPLICATION_ID
    # The driver passes executor JVM options as SPARK_JAVA_OPT_0, _1, ... in order (spark.executor.extraJavaOptions
    # and the conf the executor needs at start-up, such as spark.driver.port).
    executor_opts=()
    while IFS= read -r line; do
      [[ -n "$line" ]] && executor_opts+=("${line#*=}")
    done < <(env | grep '^SPARK_JAVA_OPT_' | sort -t_ -k4 -n || true)
    hostname="${SPARK_EXECUTOR_POD_IP:-$(hostname -i 2>/dev/null | cut -d' ' -f1)}"
    cmd=("$java_bin" "${java17_flags[@]}" "${executor_opts[@]}" "${java_opts[@]}"
      "-Xms$SPARK_EXECUTOR_MEMORY" "-Xmx$SPARK_EXECUTOR_MEMORY"
      -cp "$classpath"
      # Spark 3.5's Kubernetes backend: the coarse-grained executor plus pod-name based id assignment.
      "${SPARK_EXECUTOR_BACKEND:-org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend}"
      --driver-url "$SPARK_DRIVER_URL"
      --executor-id "$SPARK_EXECUTOR_ID"
      --cores "$SPARK_EXECUTOR_CORES"
      --app-id "$SPARK_APPLICATION_ID"
      --hostname "$hostname"
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}")
    if [[ -n "${SPARK_EXECUTOR_POD_NAME:-}" && "${SPARK_EXECUTOR_BACKEND:-}" != *CoarseGrainedExecutorBackend ]]; then
      cmd+=(--podName "$SPARK_EXECUTOR_POD_NAME")
    fi
    ;;
  driver)
    shift
    if ! compgen -G "$app_home/libs/spark-core_*.jar" >/dev/null; then
      echo "entrypoint: this image has no Spark; the driver runs from the spark-app image" >&2
      exit 64
    fi
    heap=()
    for ((i = 1; i < $#; i++)); do
      if [[ "${!i}" == --properties-file ]]; then
        next=$((i + 1))
        read -r -a heap <<< "$(driver_heap "${!next}")"
      fi
    done
    cmd=("$java_bin" "${java17_flags[@]}" "${heap[@]}" "${java_opts[@]}" -cp "$classpath" org.apache.spark.deploy.SparkSubmit
      --conf "spark.driver.bindAddress=${SPARK_DRIVER_BIND_ADDRESS:-0.0.0.0}" --deploy-mode client "$@")
    ;;
  *)
    main="${APP_MAIN_CLASS:?entrypoint: APP_MAIN_CLASS is not set in this image}"
    conf_opts=()
    heap=()
    if [[ -n "${SPARK_CONF_FILE:-}" ]]; then
      [[ -r "$SPARK_CONF_FILE" ]] || { echo "entrypoint: SPARK_CONF_FILE=$SPARK_CONF_FILE is not readable" >&2; exit 64; }
      read -r -a heap <<< "$(driver_heap "$SPARK_CONF_FILE")"
      while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line#"${line%%[![:space:]]*}"}"
        [[ -z "$line" || "$line" == \#* ]] && continue
        conf_opts+=("-D${line%%=*}=${line#*=}")
      done < "$SPARK_CONF_FILE"
    fi
    # Values only the pod knows at run time (downward API), as Spark's own driver entrypoint passes them.
    [[ -n "${SPARK_DRIVER_POD_NAME:-}" ]] && conf_opts+=("-Dspark.kubernetes.driver.pod.name=$SPARK_DRIVER_POD_NAME")
    [[ -n "${SPARK_DRIVER_BIND_ADDRESS:-}" ]] && conf_opts+=("-Dspark.driver.bindAddress=$SPARK_DRIVER_BIND_ADDRESS")
    cmd=("$java_bin" "${java17_flags[@]}" "${heap[@]}" "${java_opts[@]}" "${conf_opts[@]}" -cp "$classpath" "$main" "$@")
    ;;
esac

if [[ "${ENTRYPOINT_DEBUG:-}" == true ]]; then
  printf 'entrypoint: exec'; printf ' %q' "${cmd[@]}"; printf '\n'
fi
exec "${cmd[@]}"
