#!/usr/bin/env bash
# bench.sh: builds the JMH benchmarks jar and runs it, one fork per benchmark variant.
#
# Usage: scripts/bench.sh [quick|full] [JMH regex] [extra JMH options...]
#   quick (default): 5 × 1 s warm-up, 8 × 250 ms measurement
#   full:            8 × 2 s warm-up, 20 × 500 ms measurement
#   regex defaults to every benchmark; e.g. `scripts/bench.sh quick GemmBenchmark -p shape=64x1024x256`
#
# Results go to benchmarks/<build>/jmh-<mode>-<time>.json; for GemmBenchmark a GMAC/s table is printed
# (M·K·N multiply-accumulates per call divided by the time per call): "GMAC/s" from the mean wall time over
# the measurement iterations, "best" from the fastest iteration, "cpu" from the benchmark thread's CPU time
# (on a shared machine it leaves out the time the thread waited for a core).
#
# Environment:
#   MCGT_BUILD_DIR   Maven build folder name (default target)
#   MCGT_MVN_OPTS    extra Maven options, e.g. -o to build offline
#   MCGT_SKIP_BUILD  set to reuse an existing jar
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
mode="${1:-quick}"
[[ $# -gt 0 ]] && shift
regex="${1:-.}"
[[ $# -gt 0 ]] && shift

case "$mode" in
  quick) timing=(-wi 5 -w 1s -i 8 -r 250ms -f 1) ;;
  full)  timing=(-wi 8 -w 2s -i 20 -r 500ms -f 1) ;;
  -h|--help|help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "bench.sh: mode must be quick or full, got '$mode'" >&2; exit 2 ;;
esac

jar="$root/benchmarks/$build/benchmarks.jar"
if [[ -z "${MCGT_SKIP_BUILD:-}" ]]; then
  # shellcheck disable=SC2086
  (cd "$root" && mvn -B -q -DskipTests -DbuildDirName="$build" ${MCGT_MVN_OPTS:-} -pl benchmarks -am package)
fi
[[ -f "$jar" ]] || { echo "bench.sh: $jar not found (build failed?)" >&2; exit 1; }

json="$root/benchmarks/$build/jmh-$mode-$(date +%Y%m%d-%H%M%S).json"
java -jar "$jar" "$regex" "${timing[@]}" -rf json -rff "$json" "$@"
echo "JMH results: $json"

# GMAC/s table for GemmBenchmark, read from JMH's pretty-printed JSON: one record per benchmark variant, printed
# when the next record starts. "cpu" uses the thread CPU time per call (secondary counters cpuNanos / calls).
awk '
  function flush() {
    if (bench !~ /GemmBenchmark/ || shape == "" || f == 0) return
    split(shape, d, "x"); macs = d[1] * d[2] * d[3]
    if (!header++) printf "%-8s %-12s %14s %9s %8s %8s %8s\n", "kernel", "MxKxN", "time/op", "(+/-)", "GMAC/s", "best", "cpu"
    printf "%-8s %-12s %11.2f %-2s %9.2f %8.2f %8.2f %8.2f\n", kernel, shape, score, substr(unit, 1, 2), \
      (err < 0 ? 0 : err), macs / (score * f) / 1e9, (best > 0 ? macs / (best * f) / 1e9 : 0), \
      (cpuNanos > 0 ? macs * calls / cpuNanos : 0)
  }
  function num(line,   p, v) { split(line, p, ":"); v = p[2]; gsub(/[ ,]/, "", v); return v }
  /"benchmark" :/ {
    flush(); split($0, p, "\""); bench = p[4]
    kernel = ""; shape = ""; section = ""; f = 0; best = 0; calls = 0; cpuNanos = 0
  }
  /"kernel" :/         { split($0, p, "\""); kernel = p[4] }
  /"shape" :/          { split($0, p, "\""); shape = p[4] }
  /"primaryMetric" :/  { section = "primary" }
  /"calls" : \{/       { section = "calls" }
  /"cpuNanos" : \{/    { section = "cpuNanos" }
  /"score" :/ {
    v = num($0) + 0
    if (section == "primary") score = v; else if (section == "calls") calls = v; else if (section == "cpuNanos") cpuNanos = v
  }
  section == "primary" && /"scoreError" :/ { v = num($0); err = (v == "NaN") ? -1 : v + 0 }
  section == "primary" && /"0.0" :/        { best = num($0) + 0 }
  section == "primary" && /"scoreUnit" :/ {
    split($0, p, "\""); unit = p[4]
    f = (unit == "ns/op") ? 1e-9 : (unit == "us/op") ? 1e-6 : (unit == "ms/op") ? 1e-3 : (unit == "s/op") ? 1 : 0
  }
  END { flush() }
' "$json"
