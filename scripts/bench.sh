#!/usr/bin/env bash
# bench.sh: builds the JMH benchmarks jar and runs it, one fork per benchmark variant.
#
# Usage: scripts/bench.sh [quick|full] [JMH regex] [extra JMH options...]
#   quick (default): 5 × 1 s warm-up, 8 × 250 ms measurement
#   full:            8 × 2 s warm-up, 20 × 500 ms measurement
#   regex defaults to every benchmark; e.g. `scripts/bench.sh quick GemmBenchmark -p shape=64x1024x256`
#
# Results go to benchmarks/<build>/jmh-<mode>-<time>.json; for GemmBenchmark a GMAC/s table is printed
# (M·K·N multiply-accumulates per call divided by the time per call): "GMAC/s" from the mean over the
# measurement iterations, "best" from the fastest iteration (on a shared machine the mean mostly measures
# how much CPU the benchmark got; the best iteration is closest to what the kernel can do).
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

# GMAC/s table for GemmBenchmark, read from JMH's pretty-printed JSON.
awk '
  /"benchmark" :/      { split($0, p, "\""); bench = p[4]; kernel = ""; shape = ""; inMetric = 0 }
  /"kernel" :/         { split($0, p, "\""); kernel = p[4] }
  /"shape" :/          { split($0, p, "\""); shape = p[4] }
  /"primaryMetric" :/  { inMetric = 1; best = 0 }
  inMetric && /"score" :/      { split($0, p, ":"); s = p[2]; gsub(/[ ,]/, "", s); score = s + 0 }
  inMetric && /"scoreError" :/ { split($0, p, ":"); s = p[2]; gsub(/[ ,]/, "", s); err = (s == "NaN") ? -1 : s + 0 }
  inMetric && /"0.0" :/        { split($0, p, ":"); s = p[2]; gsub(/[ ,]/, "", s); best = s + 0 }
  inMetric && /"scoreUnit" :/ {
    split($0, p, "\""); unit = p[4]; inMetric = 0
    if (bench !~ /GemmBenchmark/ || shape == "") next
    f = (unit == "ns/op") ? 1e-9 : (unit == "us/op") ? 1e-6 : (unit == "ms/op") ? 1e-3 : (unit == "s/op") ? 1 : 0
    if (f == 0) next
    split(shape, d, "x"); macs = d[1] * d[2] * d[3]
    if (!header++) printf "%-8s %-12s %14s %9s %8s %8s\n", "kernel", "MxKxN", "time/op", "(+/-)", "GMAC/s", "best"
    printf "%-8s %-12s %11.2f %-2s %9.2f %8.2f %8.2f\n", kernel, shape, score, substr(unit, 1, 2), \
      (err < 0 ? 0 : err), macs / (score * f) / 1e9, (best > 0 ? macs / (best * f) / 1e9 : 0)
  }
' "$json"
