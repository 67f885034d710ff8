#!/usr/bin/env bash
# Runs the three image tars for real with podman (no Docker engine, no cluster):
#   1. each image loads and answers --help as its non-root user on a read-only root file system;
#   2. the producer image replays the sample into kafka-local (on the host network), the spark-app image drains it
#      in local mode and writes a report, which must equal the report of the plain launcher (bin/spark-app);
#   3. the spark-app image started as a Spark executor, with SPARK_* variables pointing at an address where no
#      driver listens, fails with a connection error from Spark's executor backend, not a usage error.
# Needs: podman, runc (apt-get install podman runc), the tars (make images-offline), and `make build` for the launchers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TAG="${IMAGE_TAG:-$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)}"
PREFIX="${IMAGE_PREFIX:-sf-crime-streaming}"
PORT="${SMOKE_KAFKA_PORT:-19092}"
WORK="$(mktemp -d /tmp/podman-smoke.XXXXXX)"
chmod 0777 "$WORK"   # the containers run as uid 185 and write their reports here
started=$SECONDS

# Podman 4.3 on these machines needs runc (crun fails on setrlimit/cgroups) and ulimits below the host's.
cat > "$WORK/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$WORK/containers.conf"

kafka_pid=""
cleanup() {
  [[ -n "$kafka_pid" ]] && kill "$kafka_pid" 2>/dev/null && wait "$kafka_pid" 2>/dev/null || true
  [[ "${KEEP_SMOKE_DIR:-}" == true ]] || rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "podman-smoke: FAIL: $*" >&2; exit 1; }
step() { echo "podman-smoke: [$((SECONDS - started))s] $*"; }

# Like a pod with the chart's securityContext: read-only root, scratch on tmpfs, no capabilities.
run() {
  podman run --rm --read-only --tmpfs /tmp:rw,size=512m --cap-drop ALL --security-opt no-new-privileges "$@"
}

for m in ${SMOKE_MODULES:-producer consumer spark-app}; do
  tar="$m/target/jib-image.tar"
  [[ -f "$tar" ]] || fail "$tar is missing: run make images-offline first"
  podman load -q -i "$tar" >/dev/null
  image="$PREFIX/$m:$TAG"
  user="$(podman image inspect "$image" --format '{{.Config.User}}')"
  [[ "$user" == 185:185 ]] || fail "$image runs as '$user', expected 185:185"
  out="$(run "$image" --help 2>&1)" || fail "$image --help exited non-zero: $out"
  grep -q -- '--bootstrap' <<< "$out" || fail "$image --help does not list --bootstrap: $out"
  step "$image loads, runs as $user and answers --help"
done

if [[ " ${SMOKE_MODULES:-spark-app} " == *" spark-app "* ]]; then
  # The chart hands the driver its Spark settings as a properties file; the entrypoint must pass each as -D.
  printf 'spark.master=k8s://https://kubernetes.default.svc\n# comment\nspark.driver.port=7078\nspark.driver.memory=640m\n' \
    > "$WORK/spark.properties"
  chmod 0644 "$WORK/spark.properties"
  out="$(run -v "$WORK/spark.properties:/etc/sfcrime/spark/spark.properties:ro" -e ENTRYPOINT_DEBUG=true \
    -e SPARK_CONF_FILE=/etc/sfcrime/spark/spark.properties -e SPARK_DRIVER_POD_NAME=driver-0 \
    "$PREFIX/spark-app:$TAG" --help 2>&1)" || fail "spark-app --help with SPARK_CONF_FILE failed: $out"
  for want in -Dspark.master=k8s://https://kubernetes.default.svc -Dspark.driver.port=7078 \
      -Dspark.kubernetes.driver.pod.name=driver-0 -Xmx640m io.sfcrime.spark.app.SparkApp; do
    grep -q -- "$want" <<< "$out" || fail "entrypoint did not pass $want: $(head -3 <<< "$out")"
  done
  step "entrypoint turns SPARK_CONF_FILE and the downward-API pod name into Spark system properties, spark.driver.memory into -Xmx"
fi

step "starting kafka-local on 127.0.0.1:$PORT"
bin/kafka-local --port "$PORT" --data-dir "$WORK/kafka" > "$WORK/kafka.log" 2>&1 &
kafka_pid=$!
for _ in $(seq 1 120); do
  grep -q '^READY' "$WORK/kafka.log" && break
  kill -0 "$kafka_pid" 2>/dev/null || fail "kafka-local exited: $(tail -5 "$WORK/kafka.log")"
  sleep 0.5
done
grep -q '^READY' "$WORK/kafka.log" || fail "kafka-local not ready after 60 s"
BOOT="127.0.0.1:$PORT"

step "producer image replays the baked-in sample"
run --network host "$PREFIX/producer:$TAG" --bootstrap "$BOOT" \
  --input /opt/sfcrime/data/police-department-calls-for-service.json > "$WORK/producer.log" 2>&1 \
  || fail "producer image failed: $(tail -20 "$WORK/producer.log")"

step "spark-app image drains the topic in local mode"
mkdir -m 0777 "$WORK/image"
run --network host -v "$WORK/image:/out" "$PREFIX/spark-app:$TAG" --bootstrap "$BOOT" \
  --radio-codes /opt/sfcrime/data/radio_code.json --checkpoint /out/checkpoint --available-now \
  --report /out/report.json --ui-port 0 > "$WORK/spark-image.log" 2>&1 \
  || fail "spark-app image failed: $(tail -30 "$WORK/spark-image.log")"

step "plain launcher drains the same topic"
bin/spark-app --bootstrap "$BOOT" --radio-codes data/radio_code.json --checkpoint "$WORK/launcher-checkpoint" \
  --available-now --report "$WORK/launcher-report.json" --ui-port 0 > "$WORK/spark-launcher.log" 2>&1 \
  || fail "bin/spark-app failed: $(tail -30 "$WORK/spark-launcher.log")"

python3 - "$WORK/image/report.json" "$WORK/launcher-report.json" <<'PY' || fail "the image's report differs from the launcher's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print(f"  {k}: image={str(a.get(k))[:200]} launcher={str(b.get(k))[:200]}", file=sys.stderr)
    sys.exit(1)
if a.get("input_rows", 0) <= 0:
    print("  the report counted no input rows", file=sys.stderr)
    sys.exit(1)
print(f"podman-smoke: reports equal: input_rows={a['input_rows']} valid_rows={a['valid_rows']} invalid_rows={a['invalid_rows']}")
PY

step "spark-app image as an executor against a dead driver address"
set +e
timeout 180 podman run --rm --read-only --tmpfs /tmp:rw,size=512m --cap-drop ALL --network host \
  -e SPARK_DRIVER_URL="spark://CoarseGrainedScheduler@127.0.0.1:1" \
  -e SPARK_EXECUTOR_ID=1 -e SPARK_EXECUTOR_CORES=1 -e SPARK_EXECUTOR_MEMORY=512m \
  -e SPARK_APPLICATION_ID=spark-smoke-app -e SPARK_EXECUTOR_POD_IP=127.0.0.1 \
  -e SPARK_RESOURCE_PROFILE_ID=0 -e SPARK_EXECUTOR_POD_NAME=smoke-exec-1 \
  -e SPARK_JAVA_OPT_0=-Dspark.driver.port=1 -e SPARK_JAVA_OPT_1=-Dspark.rpc.numRetries=1 \
  "$PREFIX/spark-app:$TAG" executor > "$WORK/executor.log" 2>&1
rc=$?
set -e
[[ $rc -ne 0 && $rc -ne 124 ]] || fail "executor exit code $rc (expected a failure, not success or a hang): $(tail -20 "$WORK/executor.log")"
grep -qE 'Usage:|Unrecognized option|entrypoint:' "$WORK/executor.log" && fail "executor failed with a usage error: $(grep -m3 -E 'Usage:|Unrecognized|entrypoint:' "$WORK/executor.log")"
grep -qE 'ExecutorBackend' "$WORK/executor.log" || fail "no executor backend in the log: $(tail -20 "$WORK/executor.log")"
grep -qiE 'Connection refused|Failed to connect' "$WORK/executor.log" || fail "no connection error in the log: $(tail -20 "$WORK/executor.log")"
step "executor failed as expected (exit $rc): $(grep -m1 -iE 'Connection refused|Failed to connect' "$WORK/executor.log" | cut -c1-160)"

step "all podman checks passed"
