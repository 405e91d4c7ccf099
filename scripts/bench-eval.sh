#!/usr/bin/env bash
# Runs `mcgt eval` (gated vs ungated, all-MiniLM-L6-v2) on N SpamAssassin e-mails with the calibrated policy
# policies/spamassassin-35.json (or $MCGT_PEERS_POLICY) and writes the table the benchmark report reads
# (gated-quality.json, the ExtraTable format of dev.mcgt.bench.report.ReportMain).
#
# Usage: scripts/bench-eval.sh [N] [OUT.json]      (default N 100; OUT default ./gated-quality.json)
# Needs a build (mvn -q -DskipTests install) and node.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-100}"
out="${2:-./gated-quality.json}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "bench-eval: N must be a positive number, got '$n'" >&2; exit 2; }
policy="${MCGT_PEERS_POLICY:-$root/policies/spamassassin-35.json}"
bash "$root/scripts/fetch-corpus.sh" >/dev/null
total="$(wc -l < "$root/data/spam-assassin.jsonl" | tr -d ' ')"
stride=$(( total / n )); (( stride < 1 )) && stride=1
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-eval.XXXXXX")"
trap 'rm -rf "$work"' EXIT
model="$root/models/minilm.mcgt"
[[ -f "$model" ]] || "$root/scripts/mcgt" model import --minilm --out "$model" >/dev/null
"$root/scripts/mcgt" eval --model "$model" --input "$root/data/spam-assassin.jsonl" --policy "$policy" \
  --offset 0 --stride "$stride" --limit "$n" --max-tokens 512 --threads 2 > "$work/eval.json"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores)"
node - "$work/eval.json" "$out" "$cpu" "$n" "$stride" "$(basename "$policy")" <<'NODE'
const fs = require('fs');
const [file, out, cpu, n, stride, policy] = process.argv.slice(2);
const e = JSON.parse(fs.readFileSync(file, 'utf8'));
const m = e.mixPercent, c = e.classification || {};
const r3 = x => (x === undefined || x === null) ? null : +x.toFixed(3);
const row = (what, target, value) => [what, target, value];
const rows = [
  row('tier mix skip / tier 1 / tier 0 (tier 2)', '40 / 40 / 20 (calibrated)', `${m.skip.toFixed(1)} / ${m.tier1.toFixed(1)} / ${m.tier0.toFixed(1)} (${m.tier2.toFixed(1)})`),
  row('MACs, gated / ungated', '≤ 35 %', `${(100 * e.macs.ratio).toFixed(1)} %`),
  row('cosine gated vs ungated document vector, mean (p5, min)', 'mean ≥ 0.97', `${r3(e.cosine.mean)} (${r3(e.cosine.p5)}, ${r3(e.cosine.min)})`),
];
if (c.gated) {
  rows.push(row('nearest-centroid ROC AUC, gated vs ungated', 'within 0.01', `${r3(c.gated.auc)} vs ${r3(c.ungated.auc)} (Δ ${r3(c.aucDelta)})`));
  rows.push(row('nearest-centroid accuracy, gated vs ungated', '—', `${r3(c.gated.accuracy)} vs ${r3(c.ungated.accuracy)}`));
}
if (e.seconds) rows.push(row('scoring time gated vs ungated (summed over threads)', '—',
  `${e.seconds.gatedScoring.toFixed(1)} s vs ${e.seconds.ungatedScoring.toFixed(1)} s (${(e.seconds.ungatedScoring / e.seconds.gatedScoring).toFixed(2)}× less)`));
fs.writeFileSync(out, JSON.stringify({
  measured: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', machine: cpu,
  command: `scripts/bench-eval.sh ${n}`,
  columns: ['figure', 'target', 'measured'], rows,
  notes: [`mcgt eval on ${e.documents} SpamAssassin e-mails (${e.selection}), ${e.chunks} chunks of at most 128 tokens, at most ${e.maxTokens} tokens per e-mail, policy ${policy}; the policy was calibrated on other e-mails (README, "Calibration and gated quality").`]
}, null, 2) + '\n');
console.log(`bench-eval: wrote ${out}`);
NODE
