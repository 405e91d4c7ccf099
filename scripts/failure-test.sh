#!/usr/bin/env bash
# failure-test.sh: the TaskManager-crash integration test (issue 6 item 6), not part of the default test command.
# Starts a standalone cluster (scripts/cluster.sh, own ports 18081/16123), runs the scoring job in STREAMING mode
# on 120 SpamAssassin e-mails with all-MiniLM-L6-v2, kills TaskManager 2 with SIGKILL after the first completed
# checkpoint, starts it again, and checks that the job finishes with every e-mail in scores/ exactly once
# (dev.mcgt.cluster.ClusterFailureIT, Maven profile `cluster`). Takes a few minutes.
#
# Usage: scripts/failure-test.sh        (MCGT_BUILD_DIR: Maven build folder name, default target)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
cd "$root"
bash scripts/fetch-corpus.sh >/dev/null
mvn -B -ntp -q -DskipTests -DbuildDirName="$build" install
[[ -f models/minilm.mcgt ]] || MCGT_BUILD_DIR="$build" scripts/mcgt model import --minilm --out models/minilm.mcgt >/dev/null
mvn -B -ntp -DbuildDirName="$build" -Pcluster -pl flink-jobs verify -Dtest=ClusterFailureIT \
  -Dsurefire.failIfNoSpecifiedTests=false
