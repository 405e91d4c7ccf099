#!/usr/bin/env bash
# Builds the AMX rung with the tile instructions emulated in software (amx_emulate.h) and runs
# amx_emulation_test.c against it; prints the test's "OK <cases>" or the first mismatch. Exit 77: cannot build here.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/../../main/native"
cc="${MCGT_CC:-gcc}"
command -v "$cc" >/dev/null 2>&1 || { echo "no C compiler ($cc)"; exit 77; }
[[ "$(uname -m)" == x86_64 ]] || { echo "not x86-64"; exit 77; }
grep -q avx512f /proc/cpuinfo || { echo "the emulated rung's epilogue needs AVX-512F"; exit 77; }
work="$(mktemp -d "${TMPDIR:-/tmp}/mcgt-amx-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
f=(-O2 -std=gnu11 -ffp-contract=off -I"$src" -I"$here")
"$cc" "${f[@]}" -c "$src/pack.c" -o "$work/pack.o" || exit 77
"$cc" "${f[@]}" -c "$src/cpu.c" -o "$work/cpu.o" || exit 77
"$cc" "${f[@]}" -mavx512f -mavx512bw -mavx512vl -mavx512vnni -c "$src/gemm512.c" -o "$work/g512.o" || exit 77
"$cc" "${f[@]}" -mavx2 -DMCGT_VARIANT_AVX2 -c "$src/gemm256.c" -o "$work/g2.o" || exit 77
"$cc" "${f[@]}" -mavx2 -mavx512f -mavx512vl -mavx512vnni -DMCGT_VARIANT_VNNI_EVEX -c "$src/gemm256.c" -o "$work/g3.o" || exit 77
"$cc" "${f[@]}" -mavx2 -mavxvnni -DMCGT_VARIANT_VNNI_VEX -c "$src/gemm256.c" -o "$work/g4.o" || exit 77
"$cc" "${f[@]}" -DMCGT_AMX_EMULATE -mavx512f -mavx512bw -mavx512vl -c "$src/gemm_amx.c" -o "$work/amx.o" || exit 77
"$cc" "${f[@]}" -c "$here/amx_emulation_test.c" -o "$work/test.o" || exit 77
"$cc" "$work"/*.o -o "$work/amx-test" -lpthread || exit 77
"$work/amx-test"
