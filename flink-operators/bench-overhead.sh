#!/usr/bin/env bash
# Runs the Flink overhead benchmark (dev.mcgt.flink.bench.OverheadBenchmark) from the test classpath:
# chunks/s through the GatedScoringFunction operator (heap, RocksDB) versus DocumentScorer.scoreChunk directly.
# Usage: flink-operators/bench-overhead.sh [JMH options, e.g. -p model=baseline -p path=direct,rocksdb]
#        flink-operators/bench-overhead.sh --interleaved [model=micro rounds=15 ...]  (A/B turns in one JVM)
# Environment: BUILD_DIR (Maven build folder name, default target-f), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-target-f}"
cd "$root"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q -o -DbuildDirName="$build" -pl flink-operators -am test-compile
fi
cpfile="$root/flink-operators/$build/bench-classpath.txt"
mvn -B -q -o -DbuildDirName="$build" -pl flink-operators dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cpfile" >/dev/null
# this checkout's model-core classes, not whatever snapshot jar the local repository holds
deps="$(tr ':' '\n' < "$cpfile" | grep -v '/dev/mcgt/model-core/' | paste -sd: -)"
cp="flink-operators/$build/test-classes:flink-operators/$build/classes:model-core/$build/classes:$deps"
if [[ "${1:-}" == --interleaved ]]; then
  shift
  exec java --add-modules jdk.incubator.vector -Xmx2g -cp "$cp" dev.mcgt.flink.bench.InterleavedOverhead "$@"
fi
exec java --add-modules jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main OverheadBenchmark "$@"
