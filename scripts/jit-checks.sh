#!/usr/bin/env bash
# jit-checks.sh: runs VectorKernelsAllocationTest (the Vector API kernel allocates nothing once C2 has compiled it)
# in N fresh JVMs at each vector width and prints how many of them ran boxed. On JDK 17 C2 sometimes compiles the
# GELU/softmax loops with a vector boxed (docs/NATIVE-KERNELS.md), so the test is not in the default build.
#
# Usage: scripts/jit-checks.sh [N]   (default 5; needs `mvn -q -DskipTests install` or a compiled model-core)
set -euo pipefail
root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-5}"
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "jit-checks.sh: N must be a positive number, got '$n'" >&2; exit 2; }
failed=0
for ((i = 1; i <= n; i++)); do
  for exec in vector-allocation-auto vector-allocation-256; do
    if (cd "$root" && mvn -B -q -o -pl model-core -Dmcgt.jitChecks.skip=false "surefire:test@$exec" >/dev/null 2>&1); then
      echo "run $i $exec: allocation-free"
    else
      echo "run $i $exec: ALLOCATED (see model-core/target/surefire-reports-vector-*)"; failed=$((failed + 1))
    fi
  done
done
echo "jit-checks.sh: $failed of $((2 * n)) JVMs ran boxed"
(( failed == 0 ))
