#!/usr/bin/env python3
"""The verdict of `make soak` (scripts/soak.sh): reads what the run left in RUN_DIR, writes summary.json and
summary.md, prints the one `soak:` line last, exits 1 when the report is not exact or a process failed."""
import csv
import glob
import json
import re
import statistics
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

run, duration, rate, p_exit, s_exit, d_exit, c_exit, dlq, errors = sys.argv[1:]
SF = ZoneInfo("America/Los_Angeles")


def read(name, default=None):
    try:
        with open(f"{run}/{name}") as f:
            return f.read().strip()
    except OSError:
        return default


start = float(read("start.s"))
kill_end = float(read("kill-end.s", "0")) or None

progress = []
for line in open(f"{run}/progress.ndjson"):
    p = json.loads(line)
    if p.get("name") == "calls-counts":
        t = datetime.fromisoformat(p["timestamp"].replace("Z", "+00:00")).timestamp() - start
        progress.append((t, p))
# A batch ends at its start ("timestamp") plus its duration.
batch_ends = sorted(t + p["durationMs"].get("triggerExecution", 0) / 1000 for t, p in progress)

# Heap after each full GC (the soak asks for one every GC_SECONDS), from the GC logs of every spark-app run:
# "[1701234567890ms] GC(12) Pause Full (Diagnostic Command) 310M->142M(1024M) 812.345ms". A run's GCs count from
# its first completed batch on: before it the JVM is still loading Spark, a heap no later point is comparable with.
UNITS = {"K": 1 / 1024, "M": 1, "G": 1024}
heap = []  # (elapsed s, MB after GC)
for path in sorted(glob.glob(f"{run}/gc-*.log")):
    jvm_start = None
    for line in open(path):
        stamp = re.match(r"\[(\d+)ms\]", line)
        if stamp and jvm_start is None:
            jvm_start = int(stamp.group(1)) / 1000 - start
        m = re.search(r"\[(\d+)ms\].*Pause Full.*?(\d+)([KMG])->(\d+)([KMG])\(", line)
        if m:
            t = int(m.group(1)) / 1000 - start
            if any(jvm_start <= e <= t for e in batch_ends):
                heap.append((t, int(m.group(4)) * UNITS[m.group(5)]))

# Thirds of the run up to the kill near the end (what comes after it is a restart and the catching up).
span = kill_end - start if kill_end else max([t for t, _ in heap] + [1])


def third(values, i):
    return [v for t, v in values if i * span / 3 <= t < (i + 1) * span / 3]


def mean(xs):
    return round(statistics.mean(xs), 1) if xs else 0


heap_thirds = [mean(third(heap, i)) for i in range(3)]
heap_floor = [round(min(third(heap, i), default=0), 1) for i in range(3)]  # the live set at its lowest

samples = list(csv.DictReader(open(f"{run}/samples.csv")))
# Samples from the first completed batch on (before it there is no progress to read).
samples = [r for r in samples if r["batch_id"] not in ("", "-1")]
state = [(int(r["elapsed_s"]), int(r["state_rows"])) for r in samples if r["state_rows"]]
sink_keys = [(int(r["elapsed_s"]), int(r["sink_keys"])) for r in samples if r["sink_keys"]]

batch_ms = [(t, p["durationMs"].get("triggerExecution", 0)) for t, p in progress if p.get("numInputRows", 0) > 0]

# Windows closed: distinct hourly windows of the report whose end the last watermark has passed.
watermarks = [p["eventTime"]["watermark"] for _, p in progress if "watermark" in p.get("eventTime", {})]
for line in open(f"{run}/drain-progress.ndjson") if read("drain-progress.ndjson") else []:
    p = json.loads(line)
    if p.get("name") == "calls-counts" and "watermark" in p.get("eventTime", {}):
        watermarks.append(p["eventTime"]["watermark"])
last_watermark = max((datetime.fromisoformat(w.replace("Z", "+00:00")) for w in watermarks),
                     default=datetime.fromtimestamp(0, timezone.utc))

producer = json.loads(read("producer-summary.json", "{}") or "{}")
report = json.loads(read("report.json", "{}") or "{}")
ceiling = json.loads(read("ceiling.json", "{}") or "{}")
ends = {r["window_end"] for r in report.get("by_window_crime_type", [])}
closed = sum(1 for e in ends
             if datetime.strptime(e, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SF) <= last_watermark)

COMPARED = ("input_rows", "valid_rows", "invalid_rows", "late_rows_dropped", "by_window_crime_type",
            "by_window_crime_type_disposition", "invalid_by_reason")
differences = [k for k in COMPARED if report.get(k) != ceiling.get(k)]
checks = {
    "producer_exit_0": p_exit == "0",
    "spark_exit_0_after_sigterm": s_exit == "0",
    "drain_exit_0": d_exit == "0",
    "ceiling_exit_0": c_exit == "0",
    "report_equals_independent_count": bool(report) and bool(ceiling) and not differences,
    "valid_rows_equal_sent": report.get("valid_rows") == producer.get("sent"),
    "topic_holds_each_sent_record_once": ceiling.get("input_rows") == producer.get("sent"),
    "dead_letters_equal_invalid": int(dlq) == producer.get("invalid"),
    "no_late_rows": report.get("late_rows_dropped") == 0,
}
exact = all(checks.values())
restart_start = float(read("restart-start.s", "-1"))
restart_end = float(read("restart-end.s", "-1"))
# A restart with nothing left to read runs no batch; soak.sh then timed it to the counts query's start and says so.
restart_notes = {label: read(f"restart-{label}.note", "").strip() for label in ("start", "end")}
minutes = int(re.sub(r"\D", "", duration) or 0) * {"h": 60, "m": 1, "s": 1 / 60}.get(duration[-1], 1 / 60)
state_max = max((v for _, v in state), default=0)
summary = {
    "duration": duration, "rate": int(rate), "minutes": minutes, "windows_closed": closed,
    "last_watermark": last_watermark.isoformat(),
    "heap_after_full_gc_mb": {"first_third": heap_thirds[0], "middle_third": heap_thirds[1],
                              "last_third": heap_thirds[2], "samples": len(heap), "min_per_third": heap_floor,
                              "ratio_last_first": round(heap_thirds[2] / heap_thirds[0], 3) if heap_thirds[0] else None},
    "state_rows": {"max": state_max, "first_third_max": max(third(state, 0), default=0),
                   "last_third_max": max(third(state, 2), default=0),
                   "first_third_median": statistics.median(third(state, 0) or [0]),
                   "last_third_median": statistics.median(third(state, 2) or [0])},
    "sink_open_keys": {"max": max((v for _, v in sink_keys), default=0),
                       "first_third_max": max(third(sink_keys, 0), default=0),
                       "last_third_max": max(third(sink_keys, 2), default=0)},
    "batch_ms_median": {"first_third": statistics.median(third(batch_ms, 0) or [0]),
                        "last_third": statistics.median(third(batch_ms, 2) or [0])},
    "batches": len(progress),
    "restart_s": {"start": restart_start, "end": restart_end, "notes": {k: v for k, v in restart_notes.items() if v},
                  "ratio_end_start": round(restart_end / restart_start, 3) if restart_start > 0 else None},
    "producer": producer,
    "report_totals": {k: report.get(k) for k in COMPARED[:4]},
    "ceiling_totals": {k: ceiling.get(k) for k in COMPARED[:4]},
    "report_differs_from_ceiling_in": differences,
    "dead_letters": int(dlq), "errors_in_producer_and_drain_logs": int(errors),
    "checks": checks, "exact": exact,
}
json.dump(summary, open(f"{run}/summary.json", "w"), indent=2)
h, s, k, r = summary["heap_after_full_gc_mb"], summary["state_rows"], summary["sink_open_keys"], summary["restart_s"]
with open(f"{run}/summary.md", "w") as f:
    f.write(f"# Soak: {duration} at {rate} records/s\n\n")
    f.write(f"- report: **{'EXACT' if exact else 'DIFF'}** against the independent count (bench ceiling)"
            f"{'' if not differences else ' — differs in ' + ', '.join(differences)}\n")
    f.write(f"- producer: read {producer.get('read')}, sent {producer.get('sent')}, invalid {producer.get('invalid')};"
            f" dead letters on the topic: {dlq}\n")
    f.write(f"- report: valid {report.get('valid_rows')}, invalid {report.get('invalid_rows')}, late dropped "
            f"{report.get('late_rows_dropped')}, hourly windows {len(ends)} ({closed} closed by the last watermark "
            f"{last_watermark.isoformat()})\n")
    f.write(f"- heap after full GC, MB (mean per third, {h['samples']} GCs): {h['first_third']} / {h['middle_third']}"
            f" / {h['last_third']} (last/first {h['ratio_last_first']}); lowest per third {heap_floor}\n")
    f.write(f"- state rows: max {s['max']} (first third max {s['first_third_max']}, median "
            f"{s['first_third_median']}; last third max {s['last_third_max']}, median {s['last_third_median']});"
            f" results sink open keys: max {k['max']} (first third {k['first_third_max']},"
            f" last third {k['last_third_max']})\n")
    f.write(f"- batch duration median, ms: first third {summary['batch_ms_median']['first_third']}, last third "
            f"{summary['batch_ms_median']['last_third']} ({len(progress)} batches)\n")
    notes = "".join(f"; {label}: {note}" for label, note in r["notes"].items())
    f.write(f"- restart to the first completed batch after kill -9: start {r['start']} s, end {r['end']} s"
            f" (end/start {r['ratio_end_start']}{notes})\n\n")
    f.write("| check | ok |\n|---|---|\n")
    for name, ok in checks.items():
        f.write(f"| {name} | {'yes' if ok else 'NO'} |\n")
print(open(f"{run}/summary.md").read())
print(f"soak: minutes={minutes:g} windows_closed={closed} heap_after_gc_mb first_third={h['first_third']:g} "
      f"last_third={h['last_third']:g} state_rows_max={state_max} restart_s start={restart_start:g} "
      f"end={restart_end:g} report={'exact' if exact else 'DIFF'}")
sys.exit(0 if exact else 1)
