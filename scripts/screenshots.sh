#!/usr/bin/env bash
# `make screenshots`: run the local pipeline for a while, then capture with headless Chromium (Debian's
# `chromium` package) the console progress reporter and the Spark UI's Structured Streaming pages into docs/img/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUN_DIR="${RUN_DIR:-run/screenshots}"
UI_PORT="${UI_PORT:-4040}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
WARMUP="${WARMUP:-90}"        # seconds of pipeline before the pictures
OUT="${OUT:-docs/img}"
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[[ -n "$CHROMIUM" ]] || { echo "chromium not found: apt-get install chromium (Debian) or set CHROMIUM=" >&2; exit 2; }

mkdir -p "$OUT"
RUN_DIR="$RUN_DIR" UI_PORT="$UI_PORT" KAFKA_PORT="$KAFKA_PORT" DURATION=$((WARMUP + 300)) RATE="${RATE:-300}" \
  scripts/run-local.sh >/dev/null 2>&1 &
pipeline=$!
trap 'kill -TERM $pipeline 2>/dev/null || true; wait $pipeline 2>/dev/null || true' EXIT
sleep "$WARMUP"
# Spark's statistics page needs a few completed batches of the counts query before it draws its charts.
for _ in $(seq 1 90); do
  [[ "$(grep -c '"name" *: *"calls-counts"' "$RUN_DIR/progress.jsonl" 2>/dev/null || true)" -ge 4 ]] && break
  sleep 2
done

shoot() { # URL FILE [WIDTHxHEIGHT]
  local profile
  profile="$(mktemp -d)"
  # The background-networking flags keep Chromium from calling out on a machine with no network but loopback.
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${3:-1400,1000}" --screenshot="$2" "$1" >/dev/null 2>&1
  rm -rf "$profile"
  echo "wrote $2"
}

ui="http://127.0.0.1:$UI_PORT"
shoot "$ui/StreamingQuery/" "$OUT/spark-ui-streaming.png" 1400,700
run_id="$(grep '"name" *: *"calls-counts"' "$RUN_DIR/progress.jsonl" | tail -1 \
  | grep -o '"runId" *: *"[0-9a-f-]*"' | grep -o '[0-9a-f-]\{36\}' || true)"
if [[ -n "$run_id" ]]; then
  shoot "$ui/StreamingQuery/statistics/?id=$run_id" "$OUT/spark-ui-statistics.png" 1400,1600
fi

# The console: the last progress lines and table of spark-app, rendered as a terminal page.
html="$RUN_DIR/console.html"
{
  echo '<html><body style="margin:0;background:#1e1e1e;color:#d4d4d4">'
  echo '<pre style="font:13px DejaVu Sans Mono,monospace;padding:12px;margin:0">'
  sed 's/\x1b\[[0-9;]*m//g' "$RUN_DIR/spark-app.log" | grep -v ' WARN ' | tail -n 48 \
    | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'
  echo '</pre></body></html>'
} >"$html"
shoot "file://$ROOT/$html" "$OUT/console.png" 1200,820
