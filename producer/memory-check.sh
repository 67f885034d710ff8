#!/usr/bin/env bash
# Producer memory check: replays a >= 500 MB generated JSON array under -Xmx64m and checks
# that every valid record was acknowledged. Takes about a minute on 2 cores (plus ~30 s to generate the file), so it
# is not part of `mvn verify`; run it directly or through make.
#
#   producer/memory-check.sh                      # starts its own kafka-local, 1,000,000 records (~560 MB)
#   BOOTSTRAP=127.0.0.1:9092 producer/memory-check.sh   # use a running broker instead
#   COUNT=2000000 HEAP=64m producer/memory-check.sh
#
# Needs the modules built (make build). Exit 0 when the run succeeded and sent == valid records.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
COUNT="${COUNT:-1000000}"
HEAP="${HEAP:-64m}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/producer-memory-check.XXXXXX")"
BROKER_PID=""

cleanup() {
  if [[ -n "$BROKER_PID" ]]; then
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z "${BOOTSTRAP:-}" ]]; then
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 20000))
    "$ROOT/bin/kafka-local" --port "$port" --controller-port $((port + 1)) --data-dir "$WORK/kafka" \
      >"$WORK/kafka.log" 2>&1 &
    BROKER_PID=$!
    for _ in $(seq 1 120); do
      if grep -q '^READY bootstrap=' "$WORK/kafka.log"; then break; fi
      if ! kill -0 "$BROKER_PID" 2>/dev/null; then break; fi
      sleep 0.5
    done
    if grep -q '^READY bootstrap=' "$WORK/kafka.log"; then
      BOOTSTRAP="$(sed -n 's/^READY bootstrap=//p' "$WORK/kafka.log" | head -1)"
      break
    fi
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=""
    rm -rf "$WORK/kafka"
  done
  [[ -n "${BOOTSTRAP:-}" ]] || { echo "memory-check: could not start kafka-local (see $WORK/kafka.log)" >&2; cat "$WORK/kafka.log" >&2; exit 1; }
fi

echo "memory-check: generating $COUNT records with 2% invalid..." >&2
"$ROOT/bin/generate" --count "$COUNT" --invalid-fraction 0.02 --seed 42 --out "$WORK/calls.json" 2>"$WORK/gen.log"
cat "$WORK/gen.log" >&2
bytes=$(stat -c %s "$WORK/calls.json")
valid=$(sed -n 's/.*(\([0-9]*\) valid.*/\1/p' "$WORK/gen.log")
echo "memory-check: input is $((bytes / 1024 / 1024)) MiB, $valid valid records; producing with -Xmx$HEAP" >&2

topic="memcheck-$$"
set +e
JAVA_OPTS="-Xmx$HEAP" "$ROOT/bin/producer" --bootstrap "$BOOTSTRAP" --input "$WORK/calls.json" \
  --topic "$topic" --dead-letter-topic "$topic.dlq" --progress-interval 10 \
  --summary-json "$WORK/summary.json" 2> >(grep -v 'invalid record' >&2)
code=$?
set -e
[[ $code -eq 0 ]] || { echo "memory-check: FAILED: producer exited with $code under -Xmx$HEAP" >&2; exit 1; }
sent=$(sed -n 's/.*"sent":\([0-9]*\).*/\1/p' "$WORK/summary.json")
if [[ "$sent" != "$valid" ]]; then
  echo "memory-check: FAILED: sent=$sent but the input has $valid valid records" >&2
  exit 1
fi
echo "memory-check: OK: $((bytes / 1024 / 1024)) MiB replayed under -Xmx$HEAP, sent=$sent (all valid records)" >&2
