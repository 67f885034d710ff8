#!/usr/bin/env bash
# `make soak`: can the job run for months? kafka-local + bin/producer looping one compact input forever with event
# time moving forward (--loop-suffix --loop-shift-time, so windows keep closing) at RATE records/s for DURATION, and a
# continuous bin/spark-app, which is killed with kill -9 twice (near the start and near the end) and restarted.
# Measured: the driver's heap after each full GC (from its GC log; a full GC is asked for every GC_SECONDS), state
# rows and batch durations (progress file), the restart time to the first completed batch, and at the end the drained
# report against an independent count of the topic (the benchmark's single-thread ceiling). Ends with one line:
#   soak: minutes=… windows_closed=… heap_after_gc_mb first_third=… last_third=… state_rows_max=… restart_s start=…
#   end=… report=exact|DIFF
# Files in $RUN_DIR: samples.csv, gc-*.log, progress.ndjson, report.json, ceiling.json, summary.{json,md}.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib.sh
source "$ROOT/bin/lib.sh"

DURATION="${DURATION:-10m}"          # 90s, 10m, 1h, or plain seconds of producing
RATE="${RATE:-500}"                  # valid records/s sent by the producer
RUN_DIR="${RUN_DIR:-run/soak}"
KAFKA_PORT="${KAFKA_PORT:-19092}"    # not make run's 9092, so both can run
UI_PORT="${UI_PORT:-0}"
SAMPLE_SECONDS="${SAMPLE_SECONDS:-5}"
GC_SECONDS="${GC_SECONDS:-}"         # a full GC this often, so "heap after GC" is the live heap, not a sawtooth
WATERMARK="${WATERMARK:-4 hours}"    # windows older than this behind the newest are closed and evicted
SPARK_HEAP="${SPARK_HEAP:-1g}"
RESTART_TIMEOUT="${RESTART_TIMEOUT:-300}" # s a kill -9 restart may take to be back before the soak fails
ROWS_PER_HOUR="${ROWS_PER_HOUR:-2000}" # event-time density: at RATE=2000 one hourly window closes per second
PASS_HOURS="${PASS_HOURS:-48}"       # the input spans this many clock hours; each producer pass moves that far
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
[[ "$SECONDS_TOTAL" =~ ^[0-9]+$ && "$SECONDS_TOTAL" -ge 30 ]] || { log "DURATION must be like 90s, 10m or 1h (at least 30s), got '$DURATION'"; exit 2; }
[[ "$RATE" =~ ^[0-9]+$ && "$RATE" -gt 0 ]] || { log "RATE must be a positive number of records/s, got '$RATE'"; exit 2; }
COUNT=$(( SECONDS_TOTAL * RATE ))    # records read by the producer over all passes (valid and invalid)
# About 40 full GCs over the run, 10 to 30 s apart (each pauses the driver for a fraction of a second).
GC_SECONDS="${GC_SECONDS:-$(( SECONDS_TOTAL / 40 < 10 ? 10 : (SECONDS_TOTAL / 40 > 30 ? 30 : SECONDS_TOTAL / 40) ))}"

for module in common kafka-local producer consumer spark-app bench; do
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
SPARK=""
stop_all() {
  trap - INT TERM EXIT
  [[ -n "$SPARK" ]] && kill -TERM "$SPARK" 2>/dev/null && wait "$SPARK" 2>/dev/null || true
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
# INT/TERM stop the run too: a trap alone would let the script go on draining against a stopped broker.
trap 'stop_all; exit 143' INT TERM
trap stop_all EXIT

# One compact input: PASS_HOURS clock hours of calls, oldest first, 2% invalid of every kind. The producer loops it
# with fresh crime_ids and call_date_time moved PASS_HOURS further each pass, so event time never stops advancing.
PASS_RECORDS=$(( PASS_HOURS * ROWS_PER_HOUR ))
log "generating $PASS_RECORDS records over $PASS_HOURS clock hours; the producer reads $COUNT at $RATE/s (~${SECONDS_TOTAL}s)"
bin/generate --count "$PASS_RECORDS" --seed 42 --format ndjson --order oldest-first --windows "$PASS_HOURS" \
  --invalid-fraction 0.02 --out "$RUN_DIR/input.ndjson" >"$RUN_DIR/generate.log" 2>&1

cat >"$RUN_DIR/tuning.yaml" <<YAML
spark.sql.shuffle.partitions: 1
source.maxOffsetsPerTrigger: 20000
query.watermarkDelay: "$WATERMARK"
console.topN: 0
YAML

log "kafka-local on $BOOTSTRAP"
bin/kafka-local --port "$KAFKA_PORT" --data-dir "$RUN_DIR/kafka-data" >"$RUN_DIR/kafka.log" 2>&1 &
pids+=($!)
wait_kafka_ready "$RUN_DIR/kafka.log" "${pids[0]}" >/dev/null

log "producer: --loop forever --loop-suffix --loop-shift-time at $RATE records/s"
bin/producer --bootstrap "$BOOTSTRAP" --input "$RUN_DIR/input.ndjson" --topic "$TOPIC" \
  --dead-letter-topic "$TOPIC.dlq" --rate "$RATE" --loop forever --loop-suffix --loop-shift-time --limit "$COUNT" \
  --summary-json "$RUN_DIR/producer-summary.json" >"$RUN_DIR/producer.log" 2>&1 &
PRODUCER=$!
pids+=($PRODUCER)

runs=0
# start_spark: a continuous spark-app from the checkpoint, with its own GC log (timemillis: wall clock in ms).
start_spark() {
  runs=$((runs + 1))
  JAVA_OPTS="-Xmx$SPARK_HEAP -Xlog:gc:file=$RUN_DIR/gc-$runs.log:timemillis" bin/spark-app \
    --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --results-topic "$TOPIC.results" \
    --dead-letter-topic "$TOPIC.spark-dlq" --radio-codes data/radio_code.json --tuning "$RUN_DIR/tuning.yaml" \
    --checkpoint "$RUN_DIR/checkpoint" --progress-file "$RUN_DIR/progress.ndjson" \
    --ui-port "$UI_PORT" --master "local[2]" >>"$RUN_DIR/spark.log" 2>&1 &
  SPARK=$!
}
counts_batches() {  # completed batches of the counts query so far, over all runs
  { grep -c '"name":"calls-counts"' "$RUN_DIR/progress.ndjson" 2>/dev/null || true; } | tail -1
}
queries_started() {  # counts-query starts logged so far, over all runs
  { grep -c 'query calls-counts started' "$RUN_DIR/spark.log" 2>/dev/null || true; } | tail -1
}
SENT=-1
sent_records() {  # what the producer sent, once it has finished (-1 before); read from its summary once
  (( SENT >= 0 )) || SENT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' \
    "$RUN_DIR/producer-summary.json" 2>/dev/null || echo -1)
  echo "$SENT"
}
consumed() {  # records of the topic the counts query has completed (end offsets of its latest batch)
  { grep '"name":"calls-counts"' "$RUN_DIR/progress.ndjson" 2>/dev/null || true; } | tail -1 | python3 -c '
import json, sys
line = sys.stdin.read().strip()
def offsets(o):  # {"topic": {"partition": offset}}, a JSON text or already an object
    return json.loads(o) if isinstance(o, str) else (o or {})
print(sum(int(v) for s in (json.loads(line)["sources"] if line else [])
          for t in offsets(s["endOffset"]).values() for v in t.values()))' 2>/dev/null || echo 0
}
# nothing_to_read: the producer has finished and the completed batches cover all it sent. Spark then runs no batch
# at all, so a wait for "the next batch" would never end (a short run's end kill can land there).
nothing_to_read() {
  kill -0 "$PRODUCER" 2>/dev/null && return 1
  sent_records >/dev/null  # fills SENT in this shell, not a subshell, so the summary is parsed once
  [[ "$SENT" -ge 0 && "$(consumed)" -ge "$SENT" ]]
}
# await WHAT STEP CONDITION...: run CONDITION every STEP s until it holds; fail with a message when spark-app dies or
# RESTART_TIMEOUT s pass first (a wait that can never end was how CI once hung).
await() {
  local what="$1" step="$2" deadline=$(( $(date +%s) + RESTART_TIMEOUT ))
  shift 2
  until "$@"; do
    kill -0 "$SPARK" 2>/dev/null || { log "spark-app died $what; see $RUN_DIR/spark.log"; return 1; }
    (( $(date +%s) < deadline )) || {
      log "no batch $what within ${RESTART_TIMEOUT}s (RESTART_TIMEOUT); see $RUN_DIR/spark.log"; return 1; }
    sleep "$step"
  done
}
batch_since() { [[ "$(counts_batches)" -gt "$1" ]]; }
started_since() { [[ "$(queries_started)" -gt "$1" ]]; }
# restart LABEL: kill -9 the job once it has completed a batch in this run, start it again, and time the start to
# its first completed batch (a batch cut off by the kill runs again first); when nothing is left to read, to the
# counts query's start instead. Every wait ends within RESTART_TIMEOUT s, with a message, never in a hang.
restart() {
  local label="$1" before started_before t0 t1
  await "before the kill ($label)" 1 eval 'batch_since "$batches_at_start" || nothing_to_read' || return 1
  log "kill -9 spark-app ($label)"
  kill -KILL "$SPARK"
  wait "$SPARK" 2>/dev/null || true
  before="$(counts_batches)"
  started_before="$(queries_started)"
  t0=$(date +%s.%N)
  start_spark
  batches_at_start="$before"
  await "after the restart ($label)" 0.2 \
    eval 'batch_since "$before" || { started_since "$started_before" && nothing_to_read; }' || return 1
  t1=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$t1" >"$RUN_DIR/restart-$label.s"
  if batch_since "$before"; then
    log "restart ($label): first batch after $(cat "$RUN_DIR/restart-$label.s") s"
  else
    log "restart ($label): counts query running after $(cat "$RUN_DIR/restart-$label.s") s (nothing left to read)"
    echo "to the counts query's start: nothing was left to read" >"$RUN_DIR/restart-$label.note"
  fi
}

log "spark-app (continuous, heap $SPARK_HEAP)"
start=$(date +%s)
echo "$start" >"$RUN_DIR/start.s"
batches_at_start=0
start_spark

# Latest counts-query progress: state rows (all stateful operators), batch id, batch duration; and the open keys in
# the results sink's latest totals snapshot.
last_progress() {
  { grep '"name":"calls-counts"' "$RUN_DIR/progress.ndjson" 2>/dev/null || true; } | tail -1 | python3 -c '
import json, sys
line = sys.stdin.read().strip()
if not line:
    print("0 -1 0"); sys.exit()
p = json.loads(line)
state = sum(o.get("numRowsTotal", 0) for o in p.get("stateOperators", []))
print(state, p.get("batchId", -1), p.get("durationMs", {}).get("triggerExecution", 0))'
}
sink_keys() {
  local f
  f=$(ls -v "$RUN_DIR/checkpoint/counts/sink-totals/"*.json 2>/dev/null | tail -1)
  [[ -n "$f" ]] && python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["totals"]))' "$f" 2>/dev/null || echo 0
}
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || true; }

echo "elapsed_s,rss_mb,state_rows,batch_id,batch_ms,sink_keys" >"$RUN_DIR/samples.csv"
sample() {
  local state batch took
  read -r state batch took < <(last_progress)
  echo "$(( $(date +%s) - start )),$(rss_mb "$SPARK"),$state,$batch,$took,$(sink_keys)" >>"$RUN_DIR/samples.csv"
}

kill_start_at=$(( SECONDS_TOTAL / 10 ))
kill_end_at=$(( SECONDS_TOTAL * 85 / 100 ))
restarted_start=0
restarted_end=0
last_gc=$start
log "sampling every ${SAMPLE_SECONDS}s; kill -9 at ~${kill_start_at}s and ~${kill_end_at}s"
while kill -0 "$PRODUCER" 2>/dev/null; do
  kill -0 "$SPARK" 2>/dev/null || { log "spark-app died; see $RUN_DIR/spark.log"; break; }
  sample
  now=$(date +%s)
  if (( now - last_gc >= GC_SECONDS )); then
    jcmd "$SPARK" GC.run >/dev/null 2>&1 || true
    last_gc=$now
  fi
  if (( restarted_start == 0 && now - start >= kill_start_at )); then
    restart start; restarted_start=1
  elif (( restarted_end == 0 && now - start >= kill_end_at )); then
    date +%s >"$RUN_DIR/kill-end.s"
    restart end; restarted_end=1
  fi
  sleep "$SAMPLE_SECONDS"
done
producer_exit=0
wait "$PRODUCER" || producer_exit=$?
(( restarted_end == 1 )) || { date +%s >"$RUN_DIR/kill-end.s"; restart end || true; }
log "producer finished (exit $producer_exit); letting spark-app catch up"
sent="$(sent_records)"
for _ in $(seq 1 120); do
  kill -0 "$SPARK" 2>/dev/null || break
  sample
  [[ "$(consumed)" -ge "$sent" ]] && break
  sleep 5
done
sample
spark_exit=0
kill -TERM "$SPARK" 2>/dev/null || true
wait "$SPARK" || spark_exit=$?
SPARK=""

# Drain from the checkpoint so the report covers every record, whatever the continuous run had reached.
log "draining from the checkpoint"
drain_exit=0
JAVA_OPTS="-Xmx$SPARK_HEAP" bin/spark-app --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --results-topic "$TOPIC.results" \
  --dead-letter-topic "$TOPIC.spark-dlq" --radio-codes data/radio_code.json --tuning "$RUN_DIR/tuning.yaml" \
  --checkpoint "$RUN_DIR/checkpoint" --report "$RUN_DIR/report.json" --ui-port 0 --master "local[2]" \
  --progress-file "$RUN_DIR/drain-progress.ndjson" --available-now >"$RUN_DIR/drain.log" 2>&1 || drain_exit=$?

# The independent count: the benchmark's single-thread ceiling (no Spark) over the whole topic, same tuning.
log "independent count of the topic (bench ceiling)"
ceiling_exit=0
( JAVA_OPTS="-Xmx2g" run_module bench io.sfcrime.bench.ceiling.CeilingMain --bootstrap "$BOOTSTRAP" --topic "$TOPIC" \
  --radio-codes data/radio_code.json --tuning "$RUN_DIR/tuning.yaml" --report "$RUN_DIR/ceiling.json" \
  --timing-json "$RUN_DIR/ceiling-timing.json" ) >"$RUN_DIR/ceiling.log" 2>&1 || ceiling_exit=$?

# `|| true`: under pipefail a consumer ending on its idle timeout, or grep finding no error, must not end the script.
dlq=$( { bin/consumer --bootstrap "$BOOTSTRAP" --topic "$TOPIC.dlq" --from-beginning --format json --timeout-ms 5000 \
  2>/dev/null || true; } | wc -l)
errors=$( { grep -cE ' ERROR |Exception' "$RUN_DIR/producer.log" "$RUN_DIR/drain.log" || true; } \
  | awk -F: '{s+=$2} END {print s+0}')

python3 "$ROOT/scripts/soak_summary.py" "$RUN_DIR" "$DURATION" "$RATE" "$producer_exit" "$spark_exit" \
  "$drain_exit" "$ceiling_exit" "$dlq" "$errors"
