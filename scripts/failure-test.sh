#!/usr/bin/env bash
# failure-test.sh: the fault tests on a real standalone cluster, not part of the default test command
# (dev.mcgt.cluster.ClusterFailureIT, Maven profile `cluster`). Starts a cluster with scripts/cluster.sh on its own
# ports (18081/16123) and runs the scoring job in STREAMING mode on SpamAssassin e-mails with all-MiniLM-L6-v2:
#   1. TaskManager 2 killed (SIGKILL) after the first checkpoint, TaskManager 1 after the job recovered and
#      checkpointed again: the job finishes with every e-mail in scores/ exactly once;
#   2. the JobManager killed and started again: the job is lost with it (no HA), and resubmitting it with
#      -s "$(scripts/cluster.sh latest-checkpoint OUTPUT/_checkpoints)" finishes it, every e-mail exactly once;
#   3. the output on a full disk (a 2 MiB tmpfs this script mounts, nearly filled by the test): the job fails with
#      "No space left on device" as its cause, and once space is free the run resumed from its newest checkpoint
#      finishes with every e-mail exactly once; mcgt score on the full disk fails with one "disk full" line and a
#      rerun with --overwrite completes.
# Takes about ten minutes on 2 cores. Needs root for the tmpfs (without it, test 3 is skipped).
#
# Usage: scripts/failure-test.sh        (MCGT_BUILD_DIR: Maven build folder name, default target)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MCGT_BUILD_DIR:-target}"
cd "$root"
bash scripts/fetch-corpus.sh >/dev/null
mvn -B -ntp -q -DskipTests -DbuildDirName="$build" install
[[ -f models/minilm.mcgt ]] || MCGT_BUILD_DIR="$build" scripts/mcgt model import --minilm --out models/minilm.mcgt >/dev/null

full="$root/out/failure-test/full-disk"
mounted=""
cleanup() { [[ -n "$mounted" ]] && umount "$full" 2>/dev/null || true; }
trap cleanup EXIT
mkdir -p "$full"
if [[ "$(id -u)" == 0 ]] && mount -t tmpfs -o size=2m mcgt-full-disk "$full"; then
  mounted=1
  disk=(-Dmcgt.fullDisk="$full")
else
  echo "failure-test.sh: cannot mount a tmpfs (not root?): the disk-full tests are skipped" >&2
  disk=()
fi
mvn -B -ntp -DbuildDirName="$build" -Pcluster -pl flink-jobs verify -Dtest=ClusterFailureIT \
  -Dsurefire.failIfNoSpecifiedTests=false "${disk[@]}"
