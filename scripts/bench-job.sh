#!/usr/bin/env bash
# The document scoring job against the ONNX Runtime peer job on the embedded Flink: ours with the gate off, ours
# with the gate on (the shipped quality-calibrated policy, policies/spamassassin-35.json), and the peer
# (all-MiniLM-L6-v2 on ONNX Runtime in a map function, INT8 and fp32) on the same graph, on N SpamAssassin e-mails
# (every k-th line of data/spam-assassin.jsonl), at each parallelism and mode. Each run is one JVM with the same
# options (dev.mcgt.bench.JobBench); dev.mcgt.bench.JobBenchTable then writes the report's table
# (flink-throughput.json: wall time, start-up, steady-state docs/s and chunks/s, CPU seconds, peak heap and RSS,
# MACs, tier mix, document cosine to ONNX Runtime fp32, and the target ratios) and prints it.
#
# Usage: scripts/bench-job.sh [N] [OUT.json]
#        scripts/bench-job.sh breakdown [OUT.json]   JMH cost per record by stage (flink-jobs' JobStagesBenchmark,
#                                                    default OUT: job-breakdown.json next to flink-throughput.json)
#   N    e-mails (default 1000; e.g. 100 for a quick run)
#   OUT  default: the newest benchmarks/<build>/bench-results/*/flink-throughput.json, else ./flink-throughput.json
#   BENCH_JOB_ENGINES      default "off on int8 fp32"  (off/on: ours, gate off/on; int8/fp32: the peer)
#   BENCH_JOB_PARALLELISM  default "1 2"
#   BENCH_JOB_MODES        default "batch streaming"  (streaming: RocksDB, checkpoints every 10 s)
#   BENCH_JOB_POLICY       default policies/spamassassin-35.json
#   BENCH_JOB_KEEP         a folder: keep every run's output and result there (default: deleted)
# Needs a build (mvn -q -DskipTests install).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores), Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "${1:-}" == breakdown ]]; then
  out="${2:-}"
  if [[ -z "$out" ]]; then
    latest="$(ls -d "$root/benchmarks/$build/bench-results"/*/ 2>/dev/null | sort | tail -n 1 || true)"
    out="${latest:-./}job-breakdown.json"
  fi
  [[ -f "$root/models/minilm.mcgt" ]] || "$root/scripts/mcgt" model import minilm >&2
  bash "$root/scripts/fetch-corpus.sh" >&2
  (cd "$root" && mvn -B -ntp -q test-compile -pl flink-jobs && mvn -B -ntp -q dependency:build-classpath -pl flink-jobs \
    -Dmdep.includeScope=test -Dmdep.outputFile="$build/jmh-test-classpath.txt") >&2
  tcp="$root/flink-jobs/$build/test-classes:$root/flink-jobs/$build/classes:$(<"$root/flink-jobs/$build/jmh-test-classpath.txt")"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/bench-job.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$root" && java -cp "$tcp" org.openjdk.jmh.Main 'dev\.mcgt\.job\.bench\.JobStagesBenchmark' -rf json \
    -rff "$tmp/jmh.json" 2>&1 | tee "$tmp/console.log" >&2)
  per="$(grep -m1 -o '([0-9.]* per document)' "$tmp/console.log" | tr -d '(' | cut -d' ' -f1)"
  java -cp "$root/benchmarks/$build/classes:$(<"$root/benchmarks/$build/job-classpath.txt")" dev.mcgt.bench.JobStagesTable \
    "$out" "$tmp/jmh.json" "$per" "$cpu" "scripts/bench-job.sh breakdown"
  echo "bench-job: wrote $out" >&2
  exit 0
fi
n="${1:-1000}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench-job: N must be a positive number, got '$n'" >&2; exit 2; }
out="${2:-}"
if [[ -z "$out" ]]; then
  latest="$(ls -d "$root/benchmarks/$build/bench-results"/*/ 2>/dev/null | sort | tail -n 1 || true)"
  out="${latest:-./}flink-throughput.json"
fi
engines="${BENCH_JOB_ENGINES:-off on int8 fp32}"
parallelisms="${BENCH_JOB_PARALLELISM:-1 2}"
modes="${BENCH_JOB_MODES:-batch streaming}"
policy="${BENCH_JOB_POLICY:-$root/policies/spamassassin-35.json}"
cpfile="$root/benchmarks/$build/job-classpath.txt"
[[ -f "$cpfile" ]] || { echo "bench-job: not built yet; run 'mvn -q -DskipTests install' first" >&2; exit 1; }
cp="$root/benchmarks/$build/classes:$(<"$cpfile")"
[[ -f "$root/models/minilm.mcgt" ]] || "$root/scripts/mcgt" model import minilm >&2

input="$(bash "$root/scripts/sample-corpus.sh" "$n")"
if [[ -n "${BENCH_JOB_KEEP:-}" ]]; then
  work="$BENCH_JOB_KEEP"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/bench-job.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi
jvm=(-Dmcgt.kernel="${MCGT_KERNEL:-auto}" --add-modules jdk.incubator.vector -Xmx2g -XX:+UseG1GC)
runs=()
for mode in $modes; do
  for p in $parallelisms; do
    for e in $engines; do
      case "$e" in
        off) engine=mcgt; extra=(--gate off) ;;
        on) engine=mcgt; extra=(--gate on --policy "$policy") ;;
        int8) engine=ort-int8; extra=() ;;
        fp32) engine=ort-fp32; extra=() ;;
        *) echo "bench-job: unknown engine '$e' (off, on, int8, fp32)" >&2; exit 2 ;;
      esac
      name="$e-$mode-p$p"
      rm -rf "$work/$name"
      echo "bench-job: $name ..." >&2
      java "${jvm[@]}" -cp "$cp" dev.mcgt.bench.JobBench "$engine" "$work/$name.json" --model "$root/models/minilm.mcgt" \
        --input "$input" --output "$work/$name" --max-tokens 256 --parallelism "$p" --mode "$mode" \
        --checkpoint-interval 10000 --emit-embeddings "${extra[@]}" 2> "$work/$name.log" \
        || { echo "bench-job: $name failed; see $work/$name.log" >&2; tail -n 20 "$work/$name.log" >&2; exit 1; }
      grep -m1 "mcgt kernel:" "$work/$name.log" >&2 || true
      runs+=("$work/$name.json")
    done
  done
done

cmd="scripts/bench-job.sh $n"
[[ -n "${BENCH_JOB_ENGINES:-}${BENCH_JOB_PARALLELISM:-}${BENCH_JOB_MODES:-}" ]] && \
  cmd="BENCH_JOB_ENGINES='$engines' BENCH_JOB_PARALLELISM='$parallelisms' BENCH_JOB_MODES='$modes' $cmd"
java -cp "$cp" dev.mcgt.bench.JobBenchTable "$out" "$cpu" "$cmd" "${runs[@]}"
