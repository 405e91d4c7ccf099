#!/usr/bin/env bash
# The MACs-vs-quality curves of the benchmark report: runs `mcgt calibrate --target-cosine` (every tier-1
# variant and skip rule, the whole grid of mixes replayed exactly) on a calibration sample of a corpus with
# all-MiniLM-L6-v2, and writes into OUT_DIR
#
#   quality-curve.json      every explored policy's MAC ratio and document cosine, per variant and skip rule
#                           (dev.mcgt.bench.report.QualityCurve; ReportMain draws charts/mac-quality.png)
#   quality-frontier.json   the table under the chart: per variant and rule, the best cosine (p5, AUC) within
#                           MAC budgets of 20, 35, 50 and 80 % (the ExtraTable format of ReportMain)
#   calibrate-report.json   calibrate's own report, policy-<target>.json its chosen policy
#
# Usage: scripts/bench-quality.sh [spam|long] [OUT_DIR]     (default spam, OUT_DIR ./quality)
#   spam: SpamAssassin, records 5, 25, 45, … (300 e-mails, at most 512 tokens each)
#   long: the State of the Union corpus of scripts/fetch-long-corpus.sh, records 1, 25, 49, … (39 documents)
# MCGT_CALIBRATE_EXTRA adds options to the calibrate run (e.g. "--mac-budget 0.35 --write-each DIR": the chosen
# policy is then the best within the budget; the explored curve is the same).
# Needs a build (mvn -q -DskipTests install) and node. Set MAVEN_OPTS as for any script that may run Maven.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${1:-spam}"
out="${2:-./quality}"
case "$corpus" in
  spam) bash "$root/scripts/fetch-corpus.sh" >/dev/null
        input="$root/data/spam-assassin.jsonl"; sel=(--offset 5 --stride 20 --limit 300 --max-tokens 512)
        name="SpamAssassin, 300 e-mails";;
  long) bash "$root/scripts/fetch-long-corpus.sh" >/dev/null
        input="$root/data/sotu-long.jsonl"; sel=(--offset 1 --stride 24 --limit 40 --max-tokens 0)
        name="State of the Union, 39 long documents";;
  *) echo "bench-quality: corpus must be spam or long, got '$corpus'" >&2; exit 2;;
esac
mkdir -p "$out"
model="$root/models/minilm.mcgt"
[[ -f "$model" ]] || "$root/scripts/mcgt" model import --minilm --out "$model" >/dev/null
set +e
"$root/scripts/mcgt" calibrate --model "$model" --input "$input" "${sel[@]}" --threads 2 \
  --target-cosine 0.97 --target-p5 0.9 --tier1 all --skip-rule all --out "$out/policy-$corpus.json" \
  ${MCGT_CALIBRATE_EXTRA:-} > "$out/calibrate-report.json"
rc=$?
set -e
(( rc == 0 || rc == 1 )) || { echo "bench-quality: mcgt calibrate failed ($rc)" >&2; exit "$rc"; }
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(nproc) cores)"
node - "$out" "$cpu" "$name" "scripts/bench-quality.sh $corpus" <<'NODE'
const fs = require('fs'), path = require('path');
const [out, cpu, name, command] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(path.join(out, 'calibrate-report.json'), 'utf8'));
const q = r.quality;
const when = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
const groups = new Map();
for (const p of q.explored) {
  const k = `${p.variant}, skip ${p.skipRule}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(p);
}
fs.writeFileSync(path.join(out, 'quality-curve.json'), JSON.stringify({
  measured: when, machine: cpu, command, corpus: name, target: {macRatio: 0.35, cosine: 0.97},
  curves: [...groups].map(([k, ps]) => ({name: k, points: ps.map(p => [p.macRatio, p.cosine.mean])}))
}, null, 1) + '\n');
const budgets = [0.2, 0.35, 0.5, 0.8];
const f3 = x => typeof x !== 'number' || Number.isNaN(x) ? '—' : x.toFixed(3);
const rows = [];
for (const [k, ps] of groups) {
  const row = [k];
  for (const b of budgets) {
    const c = ps.filter(p => p.macRatio <= b);
    if (c.length === 0) { row.push('—'); continue; }
    const best = c.reduce((a, p) => p.cosine.mean > a.cosine.mean ? p : a);
    row.push(`${f3(best.cosine.mean)} (p5 ${f3(best.cosine.p5)}${best.auc !== undefined ? ', AUC ' + f3(best.auc) : ''}) at ${best.mix}`);
  }
  rows.push(row);
}
const v = q.verified || {};
fs.writeFileSync(path.join(out, 'quality-frontier.json'), JSON.stringify({
  measured: when, machine: cpu, command,
  columns: ['tier 1, skip rule', ...budgets.map(b => `best cosine at ≤ ${Math.round(100 * b)} % MACs`)],
  rows,
  notes: [`${name} (${r.selection}), ${r.chunks} chunks; cosine = mean document cosine to the ungated vectors on the calibration sample (lenses cross-fitted on the other half of the sample); mix skip/tier 1/tier 0.`,
          `Ungated nearest-centroid AUC on the sample ${f3(q.ungatedAuc)}. Chosen policy (${process.env.MCGT_CALIBRATE_EXTRA || 'cheapest meeting the targets'}): ${q.chosen.variant}, skip ${q.chosen.skipRule} at ${q.chosen.mix}, MACs ${(100 * q.chosen.macRatio).toFixed(1)} %, cosine ${f3(q.chosen.cosine.mean)} (p5 ${f3(q.chosen.cosine.p5)}), targets cosine ≥ ${q.targetCosine} and p5 ≥ ${q.targetP5} ${q.met ? 'met' : 'not met'}; rescored: MACs ${v.macRatio !== undefined ? (100 * v.macRatio).toFixed(1) + ' %' : '—'}, cosine ${v.cosine ? f3(v.cosine.mean) + ' (p5 ' + f3(v.cosine.p5) + ')' : '—'}.`]
}, null, 2) + '\n');
console.log(`bench-quality: wrote ${out}/quality-curve.json and quality-frontier.json`);
NODE
