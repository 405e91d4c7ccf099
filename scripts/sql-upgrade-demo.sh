#!/usr/bin/env bash
# sql-upgrade-demo.sh: the SQL scoring job on the standalone cluster through Flink's own SQL client
# (scripts/cluster.sh sql, i.e. sql-client.sh -j mcgt-job.jar), stopped with a savepoint and resumed from it with
# another model — the SQL counterpart of scripts/upgrade-demo.sh.
#
#   1. Model A = all-MiniLM-L6-v2 with 128-token chunks (models/minilm.mcgt), model B = the same network with
#      64-token chunks (models/minilm-s64.mcgt): another fingerprint.
#   2. A STREAMING SQL job (mcgt_score over the filesystem connector watching out/sql-upgrade-demo/in/, JSON lines in,
#      JSON lines out) runs with model A on N e-mails (default 12).
#   3. Once their scores are in, the job stops with a savepoint (flink stop).
#   4. A second file arrives with N new e-mails and 3 ids of the first file again, and the same script resumes from
#      the savepoint with model B (-s).
#   5. The output shows that the savepoint carried the job's state across the upgrade: every e-mail is scored exactly
#      once (the source does not read the first file again), the first N by model A and the new N by model B
#      (model_fingerprint), and the 3 repeated ids are rejects ("duplicate id": the function's per-id state).
#
# Usage: scripts/sql-upgrade-demo.sh [N]   (starts the cluster if it is not running and stops it again at the end)
# Needs a build of this checkout (mvn -q -DskipTests install), node, curl, jq; the corpus and the models are fetched
# and imported when missing. MCGT_CLUSTER_DIR, MCGT_REST_PORT, MCGT_RPC_PORT as for scripts/cluster.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cluster="$root/scripts/cluster.sh"
n="${1:-12}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "sql-upgrade-demo: N must be a positive number, got '$n'" >&2; exit 2; }
demo="${MCGT_SQL_DEMO_DIR:-$root/out/sql-upgrade-demo}"
in="$demo/in"
out="$demo/out"
say() { echo "sql-upgrade-demo: $*" >&2; }
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
# 2N e-mails spread over the corpus: N before the upgrade, N after it, and 3 ids of the first N sent again after it.
node - "$root/data/spam-assassin.jsonl" "$demo" "$n" <<'NODE'
const fs = require('fs');
const [corpus, demo, nArg] = process.argv.slice(2);
const n = Number(nArg);
const lines = fs.readFileSync(corpus, 'utf8').trim().split('\n');
const pick = [];
for (let i = 0; i < 2 * n; i++) pick.push(JSON.parse(lines[Math.floor(i * lines.length / (2 * n))]));
const doc = e => JSON.stringify({id: e.id, text: e.text.slice(0, 1500)});
const first = pick.slice(0, n), second = pick.slice(n);
const again = first.slice(0, Math.min(3, n)).map(e => JSON.stringify({id: e.id, text: 'sent again after the upgrade'}));
fs.writeFileSync(demo + '/part-1.jsonl', first.map(doc).join('\n') + '\n');
fs.writeFileSync(demo + '/part-2.jsonl', second.map(doc).concat(again).join('\n') + '\n');
fs.writeFileSync(demo + '/ids.json', JSON.stringify({first: first.map(e => e.id), second: second.map(e => e.id),
  again: first.slice(0, Math.min(3, n)).map(e => e.id)}));
NODE
# JSON (a row format) part files roll by time or size, not on checkpoints: roll them within seconds so that a
# streaming job's scores are committed while it runs
roll="'sink.rolling-policy.rollover-interval' = '2 s', 'sink.rolling-policy.check-interval' = '1 s'"
cat > "$demo/score.sql" <<EOF
-- written by scripts/sql-upgrade-demo.sh: the same script before and after the upgrade
CREATE TABLE docs (id STRING, text STRING) WITH (
  'connector' = 'filesystem', 'path' = 'file://$in', 'format' = 'json', 'source.monitor-interval' = '1 s');
CREATE TABLE scores (doc_id STRING, chunks INT, tokens INT, macs BIGINT, model_fingerprint STRING,
                     embedding ARRAY<FLOAT>) WITH (
  'connector' = 'filesystem', 'path' = 'file://$out/scores', 'format' = 'json', $roll);
CREATE TABLE rejects (doc_id STRING, reject_reason STRING) WITH (
  'connector' = 'filesystem', 'path' = 'file://$out/rejects', 'format' = 'json', $roll);
CREATE TEMPORARY VIEW input_docs AS SELECT id AS doc_id, text FROM docs;
CREATE TEMPORARY VIEW scored AS SELECT * FROM mcgt_score(input => TABLE input_docs PARTITION BY doc_id);
EXECUTE STATEMENT SET BEGIN
  INSERT INTO scores SELECT doc_id, chunks, tokens, macs, model_fingerprint, embedding FROM scored
    WHERE kind = 'document';
  INSERT INTO rejects SELECT doc_id, reject_reason FROM scored WHERE kind = 'reject';
END;
EOF
cp "$demo/part-1.jsonl" "$in/"

started_cluster=""
if ! "$cluster" status >/dev/null 2>&1; then
  say "starting the cluster"
  "$cluster" start >&2
  started_cluster=1
fi
job=""
cleanup() {
  [[ -n "$job" ]] && "$cluster" flink cancel "$job" >/dev/null 2>&1 || true
  [[ -n "$started_cluster" ]] && "$cluster" stop >&2 || true
}
trap cleanup EXIT

# finished lines in an output sub-folder (Flink's in-progress files are hidden)
lines() { find "$out/$1" -type f ! -name '.*' -exec cat {} + 2>/dev/null | grep -c . || true; }
wait_for() { # FOLDER COUNT WHAT
  local deadline=$(( SECONDS + 600 ))
  until [[ "$(lines "$1")" -ge "$2" ]]; do
    (( SECONDS < deadline )) || die "timed out waiting for $3 (see ${MCGT_CLUSTER_DIR:-$root/out/cluster}/logs/)"
    sleep 2
  done
}
settings=(--set execution.checkpointing.interval=2s --set parallelism.default=2 --set mcgt.max-tokens=512)
submit() { # [-s SAVEPOINT] MODEL -> the job id
  local sql_out id
  sql_out="$("$cluster" sql "$@" "${settings[@]}" -f "$demo/score.sql" 2>&1)" || { echo "$sql_out" >&2; die "the SQL client failed"; }
  id="$(grep -o 'Job ID: [0-9a-f]\{32\}' <<< "$sql_out" | tail -n 1 | cut -d' ' -f3)"
  [[ -n "$id" ]] || { echo "$sql_out" >&2; die "no job id in the SQL client's output"; }
  echo "$id"
}

say "submitting the SQL job with model A (Flink's SQL client, streaming, watching $in)"
job="$(submit --model "$model_a")"
say "job $job running; waiting for the $n e-mails of the first file"
wait_for scores "$n" "model A's scores"

say "stopping job $job with a savepoint"
stop_out="$("$cluster" stop-job "$job" 2>&1)" || { echo "$stop_out" >&2; exit 1; }
job=""
savepoint="$(grep -o 'file:[^ ]*savepoint-[^ ]*' <<< "$stop_out" | tail -n 1)"
[[ -n "$savepoint" ]] || { echo "$stop_out" >&2; die "no savepoint path in the stop output"; }
say "savepoint $savepoint; scores so far: $(lines scores)"

cp "$demo/part-2.jsonl" "$in/"
say "resuming the same script from the savepoint with model B"
job="$(submit -s "$savepoint" --model "$model_b")"
again="$(jq '.again | length' "$demo/ids.json")"
wait_for scores $(( 2 * n )) "all $(( 2 * n )) documents"
wait_for rejects "$again" "the $again repeated ids"
"$cluster" stop-job "$job" >/dev/null 2>&1 || say "warning: the final stop-job failed"
job=""

# The evidence, from the output folder alone.
node - "$out" "$demo/ids.json" <<'NODE'
const fs = require('fs'), path = require('path');
const [out, idsFile] = process.argv.slice(2);
const ids = JSON.parse(fs.readFileSync(idsFile, 'utf8'));
const read = d => { const p = path.join(out, d); if (!fs.existsSync(p)) return [];
  return fs.readdirSync(p).filter(f => !f.startsWith('.')).flatMap(f => fs.readFileSync(path.join(p, f), 'utf8')
    .split('\n').filter(Boolean).map(l => JSON.parse(l))); };
const scores = read('scores'), rejects = read('rejects');
const byId = new Map();
for (const s of scores) byId.set(s.doc_id, (byId.get(s.doc_id) || []).concat([s]));
const once = [...ids.first, ...ids.second].filter(id => (byId.get(id) || []).length === 1).length;
const fp = list => new Set(list.flatMap(id => (byId.get(id) || []).map(s => s.model_fingerprint)));
const fa = fp(ids.first), fb = fp(ids.second);
const dup = rejects.filter(r => ids.again.includes(r.doc_id) && /duplicate id/.test(r.reject_reason)).length;
const total = ids.first.length + ids.second.length;
console.log(`scores: ${scores.length} lines, ${byId.size} distinct documents, ${once} of ${total} exactly once`);
console.log(`model before the savepoint: ${[...fa].map(f => f.slice(0, 12)).join(', ')}; after it: ` +
  `${[...fb].map(f => f.slice(0, 12)).join(', ')}`);
console.log(`repeated ids after the upgrade rejected as duplicates (state restored): ${dup} of ${ids.again.length}`);
console.log(`rejects: ${rejects.length}`);
const ok = scores.length === total && once === total && fa.size === 1 && fb.size === 1 && [...fa][0] !== [...fb][0]
  && dup === ids.again.length && rejects.length === ids.again.length;
console.log(ok ? 'sql-upgrade-demo: OK' : 'sql-upgrade-demo: FAILED');
process.exit(ok ? 0 : 1);
NODE
