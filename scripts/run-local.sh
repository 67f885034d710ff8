#!/usr/bin/env bash
# `make run`: the whole pipeline on one machine, no cluster. kafka-local, the producer replaying the sample,
# spark-app (continuous, UI on) and the consumer tailing the results topic. Ctrl-C (or DURATION seconds) stops
# everything cleanly, newest first. Logs and state live in $RUN_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib.sh
source "$ROOT/bin/lib.sh"

RUN_DIR="${RUN_DIR:-run}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
INPUT="${INPUT:-data/police-department-calls-for-service.json}"
RADIO_CODES="${RADIO_CODES:-data/radio_code.json}"
TUNING="${TUNING:-conf/tuning.yaml}"
RATE="${RATE:-500}"
UI_PORT="${UI_PORT:-4040}"
KAFKA_METRICS_PORT="${KAFKA_METRICS_PORT:-9404}"   # the broker's Prometheus metrics (make prometheus scrapes them)
DURATION="${DURATION:-0}"          # 0 = until Ctrl-C
FRESH="${FRESH:-1}"                # 1 = new broker data and checkpoint each run
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

log() { printf '\033[1m[run]\033[0m %s\n' "$*" >&2; }

# Refuse before touching anything when another run owns RUN_DIR or the broker port: a second `make run` used to
# delete the first run's broker data, checkpoint and logs (FRESH=1) and then fail on the port.
LOCK="$RUN_DIR/run.lock"
mkdir -p "$RUN_DIR"
take_lock() {
  local owner
  # noclobber makes the create atomic: of two runs starting together, one gets the lock.
  if (set -o noclobber; echo "$$" >"$LOCK") 2>/dev/null; then
    return 0
  fi
  owner="$(cat "$LOCK" 2>/dev/null || true)"
  if [[ "$owner" =~ ^[0-9]+$ ]] && kill -0 "$owner" 2>/dev/null; then
    log "refusing to start: another run (PID $owner) owns $RUN_DIR (lock $LOCK); stop it first (Ctrl-C in its" \
      "terminal, or kill $owner), or give this run its own RUN_DIR and KAFKA_PORT"
    exit 1
  fi
  log "taking over the stale lock $LOCK of PID ${owner:-?}, which is no longer running"
  rm -f "$LOCK"
  (set -o noclobber; echo "$$" >"$LOCK") 2>/dev/null || { log "refusing to start: another run took $LOCK just now"; exit 1; }
}
take_lock
release_lock() {
  [[ "$(cat "$LOCK" 2>/dev/null || true)" == "$$" ]] && rm -f "$LOCK"
  return 0
}
trap release_lock EXIT
# Anything answering on the port (another run, `make kafka`, a real broker) would take this run's clients.
if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then
  log "refusing to start: port $KAFKA_PORT is in use (another Kafka, or another \`make run\`?); stop it or choose" \
    "another port: make run KAFKA_PORT=19092 RUN_DIR=run2"
  exit 1
fi

for module in kafka-local producer consumer spark-app; do
  if [[ ! -f "$module/target/$module.jar" ]]; then
    log "building (first run: Maven downloads dependencies, this takes a few minutes)"
    ${MVN:-mvn -B} -q -DskipTests install
    break
  fi
done

if [[ "$FRESH" == 1 ]]; then
  # Everything but our lock.
  find "$RUN_DIR" -mindepth 1 -maxdepth 1 ! -name run.lock -exec rm -rf {} +
fi
pids=()
stop_all() {
  trap - INT TERM EXIT
  log "stopping"
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  log "stopped; logs in $RUN_DIR/"
  release_lock
}
trap stop_all INT TERM EXIT

log "starting kafka-local on $BOOTSTRAP (log: $RUN_DIR/kafka.log)"
KAFKA_METRICS_PORT="$KAFKA_METRICS_PORT" bin/kafka-local --port "$KAFKA_PORT" --data-dir "$RUN_DIR/kafka-data" >"$RUN_DIR/kafka.log" 2>&1 &
pids+=($!)
ready="$(wait_kafka_ready "$RUN_DIR/kafka.log" "${pids[0]}")" || exit 1
log "$ready"

log "producer: replaying $INPUT at $RATE records/s, looping with fresh crime_ids per pass (log: $RUN_DIR/producer.log)"
bin/producer --bootstrap "$BOOTSTRAP" --input "$INPUT" --rate "$RATE" --loop forever --loop-suffix \
  --summary-json "$RUN_DIR/producer-summary.json" >"$RUN_DIR/producer.log" 2>&1 &
pids+=($!)

log "spark-app: continuous, console table below (Ctrl-C stops all)"
bin/spark-app --bootstrap "$BOOTSTRAP" --radio-codes "$RADIO_CODES" --tuning "$TUNING" \
  --checkpoint "$RUN_DIR/checkpoint" --progress-file "$RUN_DIR/progress.jsonl" \
  --status-file "$RUN_DIR/status.json" --report "$RUN_DIR/report.json" --ui-port "$UI_PORT" \
  > >(tee "$RUN_DIR/spark-app.log") 2>&1 &
pids+=($!)
spark_pid=$!

# spark-app creates the results topic before it prints this line; the consumer needs the topic to exist.
for _ in $(seq 1 240); do
  grep -q '^spark-app: reading ' "$RUN_DIR/spark-app.log" 2>/dev/null && break
  kill -0 "$spark_pid" 2>/dev/null || exit 1
  sleep 0.5
done
# The address as bound: Spark takes the next port when UI_PORT is in use.
ui="$(sed -n 's/^spark-app: Spark UI at //p' "$RUN_DIR/spark-app.log" | head -1)"
log "Spark UI: ${ui:-not started} (make ui prints it again)"
log "metrics: ${ui%/StreamingQuery/}/metrics/prometheus/ (job), http://127.0.0.1:$KAFKA_METRICS_PORT/metrics (Kafka); make prometheus scrapes both"
log "consumer: tailing the results topic into $RUN_DIR/results.jsonl (or in another terminal: make consume TOPIC=results)"
bin/consumer --bootstrap "$BOOTSTRAP" --topic results --from-beginning --format json \
  >"$RUN_DIR/results.jsonl" 2>"$RUN_DIR/consumer.log" &
pids+=($!)

if [[ "$DURATION" != 0 ]]; then
  # In the background so that Ctrl-C / SIGTERM runs the trap at once instead of after the sleep.
  sleep "$DURATION" &
  wait $!
else
  wait "$spark_pid" || true
fi
