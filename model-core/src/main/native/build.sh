#!/usr/bin/env bash
# Builds libmcgtkernels.so (the optional native kernel) into OUT_DIR/dev/mcgt/kernel/native/linux-x86_64/.
# Called by Maven (model-core, phase process-classes) with: build.sh OUT_DIR JAVA_HOME.
# Never fails the build: without Linux x86-64, a C compiler or JNI headers it says why and builds nothing, and
# the Java kernels run instead (the tests then skip the native ones). MCGT_CC picks the compiler (default gcc).
set -uo pipefail

out_dir="${1:?usage: build.sh OUT_DIR JAVA_HOME}"
java_home="${2:?usage: build.sh OUT_DIR JAVA_HOME}"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc="${MCGT_CC:-gcc}"
dest="$out_dir/dev/mcgt/kernel/native/linux-x86_64"
lib="$dest/libmcgtkernels.so"

skip() { echo "[mcgt native] native kernel not built: $*"; rm -f "$lib"; exit 0; }

[[ "$(uname -s)" == Linux ]] || skip "not Linux ($(uname -s))"
case "$(uname -m)" in x86_64|amd64) ;; *) skip "not x86-64 ($(uname -m))" ;; esac
command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc not found)"
jni_include="$java_home/include"
[[ -f "$jni_include/jni.h" ]] || jni_include="$java_home/../include"
[[ -f "$jni_include/jni.h" ]] || skip "no jni.h under $java_home"

# up to date?
if [[ -f "$lib" ]]; then
  newer="$(find "$src" -newer "$lib" -type f | head -n 1)"
  [[ -z "$newer" ]] && { echo "[mcgt native] $lib is up to date"; exit 0; }
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/mcgt-native.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# -ffp-contract=off: no fused multiply-add, so float results equal the Java reference bit for bit
common=(-O3 -fPIC -std=gnu11 -Wall -Wextra -Wno-unused-parameter -ffp-contract=off -fno-fast-math
        -fno-strict-aliasing -I"$jni_include" -I"$jni_include/linux" -I"$src")
compile() { # compile NAME SOURCE FLAGS...
  local name="$1" source="$2"; shift 2
  "$cc" "${common[@]}" "$@" -c "$src/$source" -o "$work/$name.o" 2>"$work/$name.err" \
    || { cat "$work/$name.err" >&2; skip "$cc failed on $source (see above)"; }
}
compile cpu cpu.c
compile pack pack.c
compile jni jni.c
compile gemm512 gemm512.c -mavx512f -mavx512bw -mavx512vl -mavx512vnni
compile gemm256_avx2 gemm256.c -DMCGT_VARIANT_AVX2 -mavx2
compile gemm256_evex gemm256.c -DMCGT_VARIANT_VNNI_EVEX -mavx2 -mavx512f -mavx512vl -mavx512vnni
if "$cc" -mavxvnni -E -x c /dev/null >/dev/null 2>&1; then
  compile gemm256_vex gemm256.c -DMCGT_VARIANT_VNNI_VEX -mavx2 -mavxvnni
else
  skip "$cc does not know -mavxvnni (gcc 11 or newer is needed)"
fi
if "$cc" -mamx-tile -mamx-int8 -E -x c /dev/null >/dev/null 2>&1; then
  compile gemm_amx gemm_amx.c -mamx-tile -mamx-int8 -mavx512f -mavx512bw -mavx512vl
else
  skip "$cc does not know -mamx-int8 (gcc 11 or newer is needed)"
fi
compile floatops floatops.c -mavx2
compile floatops512 floatops512.c -mavx2 -mavx512f -mavx512bw -mavx512dq -mavx512vl
compile attention attention.c -mavx2
compile mincut512 mincut.c -DMCGT_MINCUT_512 -mavx2 -mavx512f -mavx512dq -mavx512vl
compile mincut256 mincut.c -mavx2
compile dots dots.c -mavx2
compile jni_probe jni_probe.c

mkdir -p "$dest"
"$cc" -shared -o "$work/libmcgtkernels.so" "$work"/*.o -lpthread -lm -Wl,-z,noexecstack \
  || skip "linking failed"
mv "$work/libmcgtkernels.so" "$lib"
echo "[mcgt native] built $lib"
