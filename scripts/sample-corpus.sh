#!/usr/bin/env bash
# Prints the path of a sample of N SpamAssassin e-mails (every k-th line of data/spam-assassin.jsonl, so every
# group is represented), writing it to data/spam-assassin-sample-N.jsonl; fetches the corpus first when missing.
# N = 0 prints the whole corpus file. Messages go to stderr, the path alone to stdout.
#
# Usage: scripts/sample-corpus.sh N      (used by score-sample.sh and bench-job.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-}"
[[ "$n" =~ ^[0-9]+$ ]] || { echo "sample-corpus: N must be a number, got '$n'" >&2; exit 2; }
bash "$root/scripts/fetch-corpus.sh" >&2
corpus="$root/data/spam-assassin.jsonl"
if [[ "$n" -eq 0 ]]; then echo "$corpus"; exit 0; fi
total="$(wc -l < "$corpus" | tr -d ' ')"
step=$(( total / n )); (( step < 1 )) && step=1
sample="$root/data/spam-assassin-sample-$n.jsonl"
awk -v step="$step" -v n="$n" '(NR - 1) % step == 0 && taken < n { print; taken++ }' "$corpus" > "$sample"
echo "sample-corpus: $(wc -l < "$sample" | tr -d ' ') of $total e-mails (every ${step}th) in $sample" >&2
echo "$sample"
