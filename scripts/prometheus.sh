#!/usr/bin/env bash
# `make prometheus`: Debian's Prometheus (installed with apt-get when missing) scraping the local job's driver
# (Spark UI port UI_PORT, the job's metrics under their declared names) and the local broker's JMX exporter
# (KAFKA_METRICS_PORT, which `make run` turns on). UI and query API on http://127.0.0.1:PROMETHEUS_PORT.
# The scrape config is generated from the metric declarations (io.sfcrime.common.metrics.PrometheusConfig).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib.sh
source "$ROOT/bin/lib.sh"

RUN_DIR="${RUN_DIR:-run}"
UI_PORT="${UI_PORT:-4040}"
KAFKA_METRICS_PORT="${KAFKA_METRICS_PORT:-9404}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
DIR="$RUN_DIR/prometheus"

if ! command -v prometheus >/dev/null; then
  echo "[prometheus] installing Debian's prometheus package" >&2
  sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq prometheus >/dev/null
  # The package starts a system-wide service on :9090; this target runs its own instance instead.
  $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

mkdir -p "$DIR"
(source bin/lib.sh && run_module common io.sfcrime.common.metrics.PrometheusConfig "$DIR/prometheus.yml" \
  "127.0.0.1:$UI_PORT" "127.0.0.1:$KAFKA_METRICS_PORT")
echo "[prometheus] scraping the driver on 127.0.0.1:$UI_PORT and Kafka on 127.0.0.1:$KAFKA_METRICS_PORT;" \
  "UI on http://127.0.0.1:$PROMETHEUS_PORT (Ctrl-C stops)" >&2
exec prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
