/* CPU feature detection for the kernel ladder: CPUID for what the processor has, XGETBV for what the operating
 * system saves and restores, and Linux's arch_prctl permission for AMX tile data. */
#include "mcgt_native.h"

#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

int mcgt_cpu_features(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1;
    int avx = (c >> 28) & 1;
    if (!osxsave || !avx) return 0;
    uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0;               /* XMM and YMM state */
    int zmm_os = (xcr0 & 0xe0) == 0xe0;              /* opmask, ZMM_Hi256, Hi16_ZMM */
    int tile_os = (xcr0 & 0x60000) == 0x60000;       /* XTILECFG, XTILEDATA (used after arch_prctl permission) */
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int f = 0;
    if ((b >> 5) & 1) f |= MCGT_CPU_AVX2;
    int avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    if (zmm_os && avx512f && avx512bw && avx512vl) f |= MCGT_CPU_AVX512;
    if ((f & MCGT_CPU_AVX512) && ((c >> 11) & 1)) f |= MCGT_CPU_AVX512VNNI;
    int amx_tile = (d >> 24) & 1, amx_int8 = (d >> 25) & 1;
    if (amx_tile && amx_int8 && zmm_os && tile_os) f |= MCGT_CPU_AMXINT8;
    __cpuid_count(7, 1, a, b, c, d);
    if ((f & MCGT_CPU_AVX2) && ((a >> 4) & 1)) f |= MCGT_CPU_AVXVNNI;
    return f;
}

int mcgt_amx_request(void) {
    static int granted = -1;
    if (granted < 0) {
        granted = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
    }
    return granted;
}
