#!/usr/bin/env bash
# Measures the document scoring job's throughput on the embedded Flink at parallelism 1 and 2, gate on and off,
# on N SpamAssassin e-mails with all-MiniLM-L6-v2, and writes the table the benchmark report reads
# (flink-throughput.json, format in dev.mcgt.bench.report.ReportMain).
#
# Usage: scripts/bench-job.sh [N] [OUT.json]
#   N   e-mails (default 100; every k-th line of data/spam-assassin.jsonl)
#   OUT default: the newest benchmarks/<build>/bench-results/*/flink-throughput.json, else ./flink-throughput.json
# Needs a build (mvn -q -DskipTests install) and node (to assemble the JSON).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
n="${1:-100}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench-job: N must be a positive number, got '$n'" >&2; exit 2; }
out="${2:-}"
if [[ -z "$out" ]]; then
  latest="$(ls -d "$root/benchmarks/$build/bench-results"/*/ 2>/dev/null | sort | tail -n 1 || true)"
  out="${latest:-./}flink-throughput.json"
fi

input="$(bash "$root/scripts/sample-corpus.sh" "$n")"

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-job.XXXXXX")"
trap 'rm -rf "$work"' EXIT
runs=()
for gate in on off; do
  for p in 1 2; do
    echo "bench-job: gate $gate, parallelism $p ..." >&2
    set +e
    "$root/scripts/mcgt" score --model minilm --input "$input" --output "$work/out-$gate-$p" --max-tokens 256 \
      --gate "$gate" --parallelism "$p" --progress-seconds 0 --summary-json "$work/$gate-$p.json" >&2
    code=$?
    set -e
    (( code == 0 || code == 3 )) || { echo "bench-job: mcgt score failed (exit $code)" >&2; exit 1; }
    runs+=("$work/$gate-$p.json")
  done
done

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores)"
node - "$out" "$n" "$cpu" "${runs[@]}" <<'NODE'
const fs = require('fs');
const [out, n, cpu, ...files] = process.argv.slice(2);
const rows = files.map(f => {
  const s = JSON.parse(fs.readFileSync(f, 'utf8'));
  const c = s.chunks || 1;
  return [s.gate ? 'on' : 'off', s.parallelism, s.documents, s.chunks, +s.seconds.toFixed(1), +s.docsPerSecond.toFixed(2),
          +s.chunksPerSecond.toFixed(2), +(100 * s.macRatio).toFixed(1), `${(100 * s.tiers[0] / c).toFixed(0)}/${(100 * s.tiers[1] / c).toFixed(0)}/${(100 * s.tiers[2] / c).toFixed(0)}/${(100 * s.tiers[3] / c).toFixed(0)}`];
});
const table = {
  measured: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  machine: cpu,
  command: `scripts/bench-job.sh ${n}`,
  columns: ['gate', 'parallelism', 'documents', 'chunks', 'wall s', 'docs/s', 'chunks/s', 'MACs % of ungated', 'tier 0/1/2/skip %'],
  rows,
  notes: [`mcgt score (embedded Flink, BATCH mode, default policy) on ${n} SpamAssassin e-mails, all-MiniLM-L6-v2, at most 256 tokens each; wall time includes job start-up and model loading.`]
};
fs.writeFileSync(out, JSON.stringify(table, null, 2) + '\n');
console.log(`bench-job: wrote ${out}`);
NODE
