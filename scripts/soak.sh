#!/usr/bin/env bash
# `make soak`: kafka-local + bin/producer at a fixed RATE for DURATION + a continuous bin/spark-app, sampled over time
# (heap with jstat, RSS from /proc, state rows and input rate from the progress file, errors in the logs), then
# drained and checked for exactness. Writes $RUN_DIR/samples.csv and $RUN_DIR/summary.{json,md}; exits 1 when the
# final counts are not exact or a process failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib.sh
source "$ROOT/bin/lib.sh"

DURATION="${DURATION:-10m}"        # 90s, 10m, 1h, or plain seconds
RATE="${RATE:-500}"                # records/s sent by the producer
RUN_DIR="${RUN_DIR:-run/soak}"
KAFKA_PORT="${KAFKA_PORT:-19092}"  # not make run's 9092, so both can run
UI_PORT="${UI_PORT:-0}"
SAMPLE_SECONDS="${SAMPLE_SECONDS:-10}"
WATERMARK="${WATERMARK:-2 hours}"  # event time advances through the input, so windows older than this are evicted
SPARK_HEAP="${SPARK_HEAP:-1g}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
TOPIC=soak-calls

log() { printf '\033[1m[soak]\033[0m %s\n' "$*" >&2; }

seconds() {
  local d="$1"
  case "$d" in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}
SECONDS_TOTAL="$(seconds "$DURATION")"
[[ "$SECONDS_TOTAL" =~ ^[0-9]+$ && "$SECONDS_TOTAL" -gt 0 ]] || { log "DURATION must be like 90s, 10m or 1h, got '$DURATION'"; exit 2; }
[[ "$RATE" =~ ^[0-9]+$ && "$RATE" -gt 0 ]] || { log "RATE must be a positive number of records/s, got '$RATE'"; exit 2; }
COUNT=$(( SECONDS_TOTAL * RATE ))

for module in common kafka-local producer consumer spark-app; do
  if [[ ! -f "$module/target/$module.jar" ]]; then
    log "building (mvn install -DskipTests)"
    ${MVN:-mvn -B} -q -DskipTests install
    break
  fi
done

rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
RUN_DIR="$(cd "$RUN_DIR" && pwd)"
pids=()
stop_all() {
  trap - INT TERM EXIT
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
trap stop_all INT TERM EXIT

# Input: event time runs oldest-first over 1 hour of event time per 10 s of sending, so the watermark moves and
# state can be evicted; 2% invalid records of every kind go to the producer's dead-letter topic.
SPAN_HOURS=$(( SECONDS_TOTAL / 10 + 2 ))
log "generating $COUNT records over $SPAN_HOURS hours of event time ($RATE records/s for ${SECONDS_TOTAL}s)"
bin/generate --count "$COUNT" --seed 42 --format ndjson --order oldest-first --span-hours "$SPAN_HOURS" \
  --invalid-fraction 0.02 --out "$RUN_DIR/input.ndjson" >"$RUN_DIR/generate.log" 2>&1

cat >"$RUN_DIR/tuning.yaml" <<YAML
spark.sql.shuffle.partitions: 2
source.maxOffsetsPerTrigger: 20000
query.watermarkDelay: "$WATERMARK"
console.topN: 0
YAML

log "kafka-local on $BOOTSTRAP"
bin/kafka-local --port "$KAFKA_PORT" --data-dir "$RUN_DIR/kafka-data" >"$RUN_DIR/kafka.log" 2>&1 &
pids+=($!)
wait_kafka_ready "$RUN_DIR/kafka.log" "${pids[0]}" >/dev/null

log "producer at $RATE records/s"
bin/producer --bootstrap "$BOOTSTRAP" --input "$RUN_DIR/input.ndjson" --topic "$TOPIC" \
  --dead-letter-topic "$TOPIC.dlq" --rate "$RATE" --summary-json "$RUN_DIR/producer-summary.json" \
  >"$RUN_DIR/producer.log" 2>&1 &
PRODUCER=$!
pids+=($PRODUCER)

log "spark-app (continuous, heap $SPARK_HEAP)"
JAVA_OPTS="-Xmx$SPARK_HEAP" bin/spark-app --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --results-topic "$TOPIC.results" \
  --dead-letter-topic "$TOPIC.spark-dlq" --radio-codes data/radio_code.json --tuning "$RUN_DIR/tuning.yaml" \
  --checkpoint "$RUN_DIR/checkpoint" --progress-file "$RUN_DIR/progress.ndjson" --report "$RUN_DIR/report.json" \
  --ui-port "$UI_PORT" --master "local[2]" >"$RUN_DIR/spark.log" 2>&1 &
SPARK=$!
pids+=($SPARK)

# Latest counts-query progress: state rows (all stateful operators), input rows/s, batch id.
last_progress() {
  [[ -f "$RUN_DIR/progress.ndjson" ]] || { echo "0 0 -1"; return; }
  grep '"name":"calls-counts"' "$RUN_DIR/progress.ndjson" | tail -1 | python3 -c '
import json, sys
line = sys.stdin.read().strip()
if not line:
    print("0 0 -1"); sys.exit()
p = json.loads(line)
state = sum(o.get("numRowsTotal", 0) for o in p.get("stateOperators", []))
print(state, round(p.get("processedRowsPerSecond", 0) or 0), p.get("batchId", -1))'
}
heap_mb() {  # used heap (survivors + eden + old) of the spark-app JVM
  jstat -gc "$1" 2>/dev/null | awk 'NR==2 {printf "%.0f", ($3+$4+$6+$8)/1024}' || true
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || true; }
counted_rows() {
  [[ -f "$RUN_DIR/progress.ndjson" ]] || { echo 0; return; }
  grep '"name":"calls-counts"' "$RUN_DIR/progress.ndjson" | python3 -c '
import json, sys
print(sum(json.loads(l).get("numInputRows", 0) for l in sys.stdin if l.strip()))'
}

echo "elapsed_s,heap_used_mb,rss_mb,state_rows,processed_rows_per_s,batch_id,input_rows_so_far" >"$RUN_DIR/samples.csv"
start=$(date +%s)
sample() {
  local now state rate batch
  now=$(( $(date +%s) - start ))
  read -r state rate batch < <(last_progress)
  echo "$now,$(heap_mb $SPARK),$(rss_mb $SPARK),$state,$rate,$batch,$(counted_rows)" >>"$RUN_DIR/samples.csv"
}
log "sampling every ${SAMPLE_SECONDS}s into $RUN_DIR/samples.csv"
while kill -0 "$PRODUCER" 2>/dev/null; do
  kill -0 "$SPARK" 2>/dev/null || { log "spark-app died; see $RUN_DIR/spark.log"; break; }
  sample
  sleep "$SAMPLE_SECONDS"
done
producer_exit=0
wait "$PRODUCER" || producer_exit=$?
log "producer finished (exit $producer_exit); letting spark-app catch up"
sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$RUN_DIR/producer-summary.json" 2>/dev/null || echo -1)
for _ in $(seq 1 120); do
  kill -0 "$SPARK" 2>/dev/null || break
  sample
  [[ "$(counted_rows)" -ge "$sent" ]] && break
  sleep 5
done
sample
spark_exit=0
if kill -0 "$SPARK" 2>/dev/null; then
  kill -TERM "$SPARK"
  wait "$SPARK" || spark_exit=$?
else
  wait "$SPARK" || spark_exit=$?
fi

# Drain from the checkpoint so the report covers every record, whatever the continuous run had reached.
log "draining from the checkpoint"
drain_exit=0
JAVA_OPTS="-Xmx$SPARK_HEAP" bin/spark-app --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --results-topic "$TOPIC.results" \
  --dead-letter-topic "$TOPIC.spark-dlq" --radio-codes data/radio_code.json --tuning "$RUN_DIR/tuning.yaml" \
  --checkpoint "$RUN_DIR/checkpoint" --report "$RUN_DIR/report.json" --ui-port 0 --master "local[2]" \
  --available-now >"$RUN_DIR/drain.log" 2>&1 || drain_exit=$?

# `|| true`: under pipefail a consumer ending on its idle timeout, or grep finding no error, must not end the script.
dlq=$( { bin/consumer --bootstrap "$BOOTSTRAP" --topic "$TOPIC.dlq" --from-beginning --format json --timeout-ms 5000 \
  2>/dev/null || true; } | wc -l)
topic_records=$( { bin/consumer --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --from-beginning --format json \
  --timeout-ms 5000 2>/dev/null || true; } | wc -l)
errors=$( { grep -cE ' ERROR |Exception' "$RUN_DIR/spark.log" "$RUN_DIR/producer.log" "$RUN_DIR/drain.log" || true; } \
  | awk -F: '{s+=$2} END {print s+0}')

python3 - "$RUN_DIR" "$DURATION" "$RATE" "$COUNT" "$producer_exit" "$spark_exit" "$drain_exit" "$dlq" \
  "$topic_records" "$errors" <<'PY'
import csv, json, sys
run, duration, rate, count, p_exit, s_exit, d_exit, dlq, on_topic, errors = sys.argv[1:]
samples = list(csv.DictReader(open(f"{run}/samples.csv")))
def col(name):
    return [int(float(r[name])) for r in samples if r[name] not in ("", None)]
heap, rss, state = col("heap_used_mb"), col("rss_mb"), col("state_rows")
producer = json.load(open(f"{run}/producer-summary.json"))
report = json.load(open(f"{run}/report.json"))
counted = sum(r["count"] for r in report["by_window_crime_type"])
quarter = max(1, len(samples) // 4)
checks = {
    "producer_exit_0": p_exit == "0",
    "spark_exit_0": s_exit == "0",
    "drain_exit_0": d_exit == "0",
    "read_equals_input": producer["read"] == int(count),
    "valid_rows_equal_sent": report["valid_rows"] == producer["sent"],
    "topic_holds_each_sent_record_once": int(on_topic) == producer["sent"],
    "dead_letters_equal_invalid": int(dlq) == producer["invalid"],
    "no_invalid_reached_spark": report["invalid_rows"] == 0,
    "windows_plus_late_equal_valid": counted + report["late_rows_dropped"] == report["valid_rows"],
}
summary = {
    "duration": duration, "rate": int(rate), "records": int(count),
    "producer": producer, "report_totals": {k: report[k] for k in ("input_rows", "valid_rows", "invalid_rows",
                                                                   "late_rows_dropped")},
    "dead_letters": int(dlq), "errors_in_logs": int(errors), "samples": len(samples),
    "heap_used_mb": {"min": min(heap, default=0), "max": max(heap, default=0),
                     "first_quarter_max": max(heap[:quarter], default=0), "last_quarter_max": max(heap[-quarter:], default=0)},
    "rss_mb": {"max": max(rss, default=0), "last": rss[-1] if rss else 0},
    "state_rows": {"max": max(state, default=0), "last": state[-1] if state else 0,
                   "first_quarter_max": max(state[:quarter], default=0), "last_quarter_max": max(state[-quarter:], default=0)},
    "checks": checks, "exact": all(checks.values()),
}
json.dump(summary, open(f"{run}/summary.json", "w"), indent=2)
with open(f"{run}/summary.md", "w") as f:
    f.write(f"# Soak: {duration} at {rate} records/s ({count} records)\n\n")
    f.write(f"- result: **{'EXACT' if summary['exact'] else 'NOT EXACT'}**; errors in logs: {errors}\n")
    f.write(f"- producer: read {producer['read']}, sent {producer['sent']}, invalid {producer['invalid']}; "
            f"dead letters on the topic: {dlq}\n")
    f.write(f"- report: valid {report['valid_rows']}, invalid {report['invalid_rows']}, "
            f"late dropped {report['late_rows_dropped']}, windows {len(report['by_window_crime_type'])}\n")
    h, s = summary["heap_used_mb"], summary["state_rows"]
    f.write(f"- heap used MB: min {h['min']}, max {h['max']} (first quarter max {h['first_quarter_max']}, "
            f"last quarter max {h['last_quarter_max']}); RSS max {summary['rss_mb']['max']} MB\n")
    f.write(f"- state rows: max {s['max']}, last {s['last']} (first quarter max {s['first_quarter_max']}, "
            f"last quarter max {s['last_quarter_max']})\n\n")
    f.write("| check | ok |\n|---|---|\n")
    for k, v in checks.items():
        f.write(f"| {k} | {'yes' if v else 'NO'} |\n")
    f.write("\nSamples (elapsed_s, heap_used_mb, rss_mb, state_rows, processed_rows_per_s, batch_id, input_rows_so_far):"
            " samples.csv\n")
print(open(f"{run}/summary.md").read())
sys.exit(0 if summary["exact"] else 1)
PY
