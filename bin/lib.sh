# Shared by the bin/ launchers: where the project is, the JVM flags, and how a module is run.
# Sourced, not executed.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Spark on Java 17 needs these flags in every JVM that runs it: a java argument file generated from common's
# SparkJavaFlags by `make docs`, the one the images' entrypoint passes too.
SPARK_JAVA17_FLAGS=("@$ROOT/container/jib-root/opt/sfcrime/spark-java17.args")

# run_module MODULE MAIN_CLASS [args...]: exec the module's main with its jar and target/lib on the classpath.
# JAVA_OPTS adds JVM options (e.g. JAVA_OPTS=-Xmx64m).
run_module() {
  local module="$1" main="$2"
  shift 2
  local jar="$ROOT/$module/target/$module.jar"
  if [[ ! -f "$jar" || ! -d "$ROOT/$module/target/lib" ]]; then
    echo "$module is not built: run 'make build' in $ROOT first" >&2
    exit 2
  fi
  # shellcheck disable=SC2086
  exec "${JAVA:-java}" ${JAVA_OPTS:-} "${SPARK_JAVA17_FLAGS[@]}" -cp "$jar:$ROOT/$module/target/lib/*" "$main" "$@"
}

# wait_kafka_ready LOG PID: wait (up to 60 s) until the kafka-local writing LOG prints its READY line; fail with the
# log's tail when the process PID dies or the time runs out. Prints the READY line.
wait_kafka_ready() {
  local log="$1" pid="$2"
  for _ in $(seq 1 120); do
    grep -q '^READY ' "$log" 2>/dev/null && { grep '^READY ' "$log"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "kafka-local did not start; last lines of $log:" >&2
  tail -20 "$log" >&2
  return 1
}
