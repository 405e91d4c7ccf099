#!/usr/bin/env bash
# upgrade-demo.sh: a model upgrade through a savepoint on the standalone cluster (scripts/cluster.sh).
#
#   1. Model A = all-MiniLM-L6-v2 imported with 128-token chunks (models/minilm.mcgt), model B = the same network
#      imported with 64-token chunks (models/minilm-s64.mcgt): another fingerprint and another KV-cache shape.
#   2. The job runs in STREAMING mode with model A, watching out/upgrade-demo/in/. The first file holds the first
#      part of 20 e-mails ("more": true: the documents stay open, their KV caches and λ histories live in RocksDB
#      state) and 10 whole e-mails.
#   3. Once the 10 whole e-mails are in scores/, the job stops with a savepoint (flink stop).
#   4. A second file arrives with the remaining parts of the 20 e-mails and 10 new e-mails, and the job resumes
#      from the savepoint with model B.
#   5. The telemetry shows it: one model-upgrade record per open document (KV cache dropped, the stream's chunk
#      counter and λ history kept: chunksBefore continues model A's count and lambdaPrev equals the λ of the
#      last chunk model A scored, from telemetry/energy), and scores/ holds each of the 40 documents exactly once.
#
# Usage: scripts/upgrade-demo.sh      (starts the cluster if it is not running and stops it again at the end)
# Needs a build of this checkout (mvn -q -DskipTests install), node, curl, jq; the corpus and model A are fetched
# and imported when missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="$root/scripts/cluster.sh"
demo="$root/out/upgrade-demo"
in="$demo/in"
out="$demo/out"
say() { echo "upgrade-demo: $*" >&2; }
die() { say "$*"; exit 1; }

bash "$root/scripts/fetch-corpus.sh" >/dev/null
model_a="$root/models/minilm.mcgt"
model_b="$root/models/minilm-s64.mcgt"
mkdir -p "$root/models"
[[ -f "$model_a" ]] || "$root/scripts/mcgt" model import --minilm --out "$model_a" >/dev/null
[[ -f "$model_b" ]] || "$root/scripts/mcgt" model import --minilm --seq-len 64 --out "$model_b" >/dev/null
say "model A $(basename "$model_a"), model B $(basename "$model_b")"

rm -rf "$demo"
mkdir -p "$in" "$out"
# 40 e-mails spread over the corpus: 20 split in two parts, 10 whole before the upgrade, 10 whole after it.
node - "$root/data/spam-assassin.jsonl" "$demo" <<'NODE'
const fs = require('fs');
const [corpus, demo] = process.argv.slice(2);
const lines = fs.readFileSync(corpus, 'utf8').trim().split('\n');
const pick = [];
for (let i = 0; i < 40; i++) pick.push(JSON.parse(lines[Math.floor(i * lines.length / 40)]));
const doc = (e, text, more) => JSON.stringify(Object.assign({id: e.id, label: e.label, text}, more ? {more: true} : {}));
const first = [], second = [];
pick.forEach((e, i) => {
  const t = e.text.slice(0, 1200);
  if (i < 20) { first.push(doc(e, t.slice(0, 600), true)); second.push(doc(e, t.slice(600) || '(end)', false)); }
  else if (i < 30) first.push(doc(e, t, false));
  else second.push(doc(e, t, false));
});
fs.writeFileSync(demo + '/part-1.jsonl', first.join('\n') + '\n');
fs.writeFileSync(demo + '/part-2.jsonl', second.join('\n') + '\n');
NODE
cp "$demo/part-1.jsonl" "$in/"

started_cluster=""
if ! "$cluster" status >/dev/null 2>&1; then
  say "starting the cluster"
  "$cluster" start >&2
  started_cluster=1
fi
cleanup() { [[ -n "$started_cluster" ]] && "$cluster" stop >&2 || true; }
trap cleanup EXIT

# finished lines in an output sub-folder (Flink's in-progress files are hidden)
lines() { find "$out/$1" -type f ! -name '.*' -exec cat {} + 2>/dev/null | grep -c . || true; }
wait_for() { # FOLDER COUNT WHAT
  local deadline=$(( SECONDS + 600 ))
  until [[ "$(lines "$1")" -ge "$2" ]]; do
    (( SECONDS < deadline )) || die "timed out waiting for $3 (see out/cluster/logs/)"
    sleep 2
  done
}
job_options=(--input "$in" --output "$out" --mode streaming --watch 1000 --checkpoint-interval 2000 --max-tokens 512
             --parallelism 2)

say "submitting with model A (streaming, watching $in)"
submit_out="$("$cluster" submit --detached -- --model "$model_a" "${job_options[@]}" 2>&1)" || { echo "$submit_out" >&2; exit 1; }
job="$(grep -o 'JobID [0-9a-f]\{32\}' <<< "$submit_out" | tail -n 1 | cut -d' ' -f2)"
[[ -n "$job" ]] || { echo "$submit_out" >&2; die "no job id in the submit output"; }
say "job $job running; waiting for the 10 whole e-mails"
wait_for scores 10 "model A's scores"

say "stopping job $job with a savepoint"
stop_out="$("$cluster" stop-job "$job" 2>&1)" || { echo "$stop_out" >&2; exit 1; }
savepoint="$(grep -o 'file:[^ ]*savepoint-[^ ]*' <<< "$stop_out" | tail -n 1)"
[[ -n "$savepoint" ]] || { echo "$stop_out" >&2; die "no savepoint path in the stop output"; }
say "savepoint $savepoint; scores so far: $(lines scores)"

cp "$demo/part-2.jsonl" "$in/"
say "resuming from the savepoint with model B"
submit_out="$("$cluster" submit --detached -s "$savepoint" -- --model "$model_b" "${job_options[@]}" 2>&1)" \
  || { echo "$submit_out" >&2; exit 1; }
job="$(grep -o 'JobID [0-9a-f]\{32\}' <<< "$submit_out" | tail -n 1 | cut -d' ' -f2)"
wait_for scores 40 "all 40 documents"
"$cluster" stop-job "$job" >/dev/null 2>&1 || say "warning: the final stop-job failed"

# The evidence, from the output folder alone.
node - "$out" <<'NODE'
const fs = require('fs'), path = require('path');
const out = process.argv[2];
const read = d => { const p = path.join(out, d); if (!fs.existsSync(p)) return [];
  return fs.readdirSync(p).filter(f => !f.startsWith('.')).flatMap(f => fs.readFileSync(path.join(p, f), 'utf8')
    .split('\n').filter(Boolean).map(l => JSON.parse(l))); };
const scores = read('scores'), upgrades = read('telemetry/model-upgrades'), rejects = read('rejects');
const energy = read('telemetry/energy');
const lambdaOf = new Map(energy.map(e => [e.docId + '#' + e.chunkIndex, e.lambda]));
const ids = new Set(scores.map(s => s.id));
const upgraded = scores.filter(s => s.modelUpgraded).length;
// history kept: the first chunk under model B continues the stream's counter, and the gate compared its λ with
// the λ of the last chunk model A scored
const kept = upgrades.filter(u => u.chunksBefore === u.chunkIndex && u.chunksBefore > 0
  && lambdaOf.get(u.docId + '#' + (u.chunkIndex - 1)) === u.lambdaPrev).length;
console.log(`scores: ${scores.length} lines, ${ids.size} distinct documents (expected 40, each once)`);
console.log(`model upgrades: ${upgrades.length} documents changed model mid-stream (expected 20), ` +
  `${kept} of them with their chunk counter and λ history kept (chunksBefore = chunk index, lambdaPrev = ` +
  `λ of the chunk model A scored last)`);
console.log(`documents finished under model B after starting under A: ${upgraded}`);
if (upgrades.length) { const u = upgrades[0];
  console.log(`e.g. ${u.docId}: ${u.oldFingerprint.slice(0, 12)} -> ${u.newFingerprint.slice(0, 12)} at chunk ` +
    `${u.chunkIndex}, chunksBefore ${u.chunksBefore}, lambdaPrev ${u.lambdaPrev}`); }
console.log(`rejects: ${rejects.length}`);
const ok = scores.length === 40 && ids.size === 40 && upgrades.length === 20 && kept === 20 && rejects.length === 0;
console.log(ok ? 'upgrade-demo: OK' : 'upgrade-demo: FAILED');
process.exit(ok ? 0 : 1);
NODE
