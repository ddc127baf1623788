// Compiling one loop for every instruction-set level (see CKernels.h).
//
// A kernel's body is a static always-inline function NAME_body; TOON_VARIANTS(NAME, PARAMS, ARGS)
// defines three copies of it, each inlined into a function compiled for its level, and the public
// NAME, which calls the copy for the level it is given. PARAMS starts with `int isa`.
#ifndef TOON_CKERNELS_VARIANTS_H
#define TOON_CKERNELS_VARIANTS_H

#include "CKernels.h"

#ifdef __clang__
// The same float operations on every level: no fused multiply-adds the baseline would not do.
#pragma clang fp contract(off)
#endif

#define TOON_BODY static inline __attribute__((always_inline))

// Rows here are short (a tile row of a 16 px layer is 8 tiles): eight lanes and no unrolling, so
// the vector loop runs from eight elements on instead of the 64 that AVX-512 x 4-way unrolling needs.
#ifdef __clang__
#define TOON_VECTOR_LOOP _Pragma("clang loop vectorize(enable) vectorize_width(8) interleave_count(1)")
#else
#define TOON_VECTOR_LOOP
#endif

#if defined(__x86_64__) || defined(__i386__)
#define TOON_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define TOON_TARGET_AVX2 __attribute__((target("avx2,fma")))
#else
#define TOON_TARGET_AVX512
#define TOON_TARGET_AVX2
#endif

#define TOON_VARIANTS(name, params, args)                                          \
    TOON_TARGET_AVX512 static void name##_avx512 params { name##_body args; }       \
    TOON_TARGET_AVX2 static void name##_avx2 params { name##_body args; }           \
    static void name##_baseline params { name##_body args; }                        \
    void name params {                                                              \
        if (isa >= TOON_ISA_AVX512) name##_avx512 args;                             \
        else if (isa == TOON_ISA_AVX2) name##_avx2 args;                            \
        else name##_baseline args;                                                  \
    }

typedef ptrdiff_t idx;

#endif
