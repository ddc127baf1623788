// Single-precision GEMM for AVX-512 CPUs, chosen at run time.
//
// This file is compiled without any -m flags (the x86-64 baseline; never -mavx512* or
// -march=native): only the functions marked TOON_AVX512 contain AVX/AVX-512 instructions, and
// the public entry point reaches them only after toon_sgemm_avx512_available() has said yes
// (it aborts otherwise).
//
// Design (Goto / BLIS blocking): C += A * B is cut into NC-wide column blocks of B, KC-deep slices
// of the inner dimension and MC-tall row blocks of A. Each KC x NC slice of B is copied ("packed")
// into NR-wide column panels and each MC x KC block of A into MR-tall row panels, both laid out in
// the order the micro-kernel reads them, with zero padding at the edges. The micro-kernel keeps an
// MR x NR tile of C in zmm registers: per step of k it loads NR/16 vectors of B, broadcasts MR
// values of A and issues MR * NR/16 FMAs. Transposes are absorbed by the packing, so the kernel
// sees one layout. When the problem is much narrower than it is tall (convolutions with few
// output pixels), it is solved as C^T = op(B)^T op(A)^T so the wide side fills the vectors.

#include "CGemm.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TOON_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,fma")))

// Register tile (MR rows by NR = 16 * NV columns) and cache blocks. Overridable for tuning runs.
// 8 x 48: 24 accumulators + 3 B vectors + 1 broadcast of the 32 zmm registers, 11 loads per 24
// FMAs; 8 rows waste nothing for the channel counts convolutions have (multiples of 8). KC, MC, NC
// are upper limits: each dimension is cut into equal blocks no larger (KC must stay a multiple of
// 8). On Zen 5 (48 KB L1, 1 MB L2, 32 MB L3), sweeps of KC 192..512, NC 384..3072, MC 96..384
// moved large products by less than the shared machine's noise once the copy of B streamed row
// by row with padded panels; these defaults were never worse than the others.
#ifndef TOON_GEMM_MR
#define TOON_GEMM_MR 8
#endif
#ifndef TOON_GEMM_NV
#define TOON_GEMM_NV 3
#endif
#ifndef TOON_GEMM_KC
#define TOON_GEMM_KC 384
#endif
#ifndef TOON_GEMM_MC
#define TOON_GEMM_MC 192
#endif
#ifndef TOON_GEMM_NC
#define TOON_GEMM_NC 768
#endif

enum {
    MR = TOON_GEMM_MR,
    NV = TOON_GEMM_NV,
    NR = 16 * TOON_GEMM_NV,
    TOON_KC = TOON_GEMM_KC,
    TOON_MC = (TOON_GEMM_MC / TOON_GEMM_MR) * TOON_GEMM_MR,
    TOON_NC = (TOON_GEMM_NC / (16 * TOON_GEMM_NV)) * (16 * TOON_GEMM_NV),
};

typedef ptrdiff_t idx;

static inline idx min_idx(idx x, idx y) { return x < y ? x : y; }
static inline idx round_up(idx x, idx step) { return (x + step - 1) / step * step; }

int toon_sgemm_avx512_available(void) {
    __builtin_cpu_init();
    // The runtime's feature bits are set only when the OS saves the zmm state (XCR0), too.
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("fma");
}

// ---------------------------------------------------------------------------------------------
// Problem description after the optional swap: C(i, j) at c[i * rs_c + j * cs_c], and likewise
// A(i, p), B(p, j). One of each input's two strides is 1 for every call the public API can make.

typedef struct {
    idx m, n, k;
    const float *a; idx rs_a, cs_a;
    const float *b; idx rs_b, cs_b;
    float *c; idx rs_c, cs_c;
    float alpha, beta;
} problem;

// Padded tile area with and without the swap: swap only when it wastes clearly less of the tiles.
static int should_swap(idx m, idx n) {
    idx plain = round_up(m, MR) * round_up(n, NR);
    idx swapped = round_up(n, MR) * round_up(m, NR);
    return swapped * 5 < plain * 4;
}

static problem make_problem(int transA, int transB, int m, int n, int k, float alpha,
                            const float *a, int lda, const float *b, int ldb,
                            float beta, float *c, int ldc) {
    problem p = {
        .m = m, .n = n, .k = k,
        .a = a, .rs_a = transA ? 1 : lda, .cs_a = transA ? lda : 1,
        .b = b, .rs_b = transB ? 1 : ldb, .cs_b = transB ? ldb : 1,
        .c = c, .rs_c = ldc, .cs_c = 1,
        .alpha = alpha, .beta = beta,
    };
    if (should_swap(m, n)) {
        // C^T = op(B)^T op(A)^T: A'(j, p) = B(p, j), B'(p, i) = A(i, p), C'(j, i) = C(i, j).
        problem s = {
            .m = n, .n = m, .k = k,
            .a = b, .rs_a = p.cs_b, .cs_a = p.rs_b,
            .b = a, .rs_b = p.cs_a, .cs_b = p.rs_a,
            .c = c, .rs_c = 1, .cs_c = ldc,
            .alpha = alpha, .beta = beta,
        };
        return s;
    }
    return p;
}

// Packed panels of B lie this many floats apart: one cache line more than their size, so the
// copy's many write streams do not all fall into the same L1 set (KC * NR * 4 bytes is a
// multiple of 4 KB).
static inline idx panel_stride(idx kc) { return kc * NR + 16; }

// Floats of packed B (one KC x NC slice) and packed A (one MC x KC block).
static void buffer_sizes(const problem *p, idx *b_floats, idx *a_floats) {
    idx kc = min_idx(TOON_KC, p->k);
    *b_floats = panel_stride(kc) * (min_idx(TOON_NC, round_up(p->n, NR)) / NR);
    *a_floats = kc * min_idx(TOON_MC, round_up(p->m, MR));
}

static int narrow_applies(int transA, int m, int n, int k);
static idx narrow_workspace(int n, int k);

size_t toon_sgemm_avx512_workspace_size(int transA, int transB, int m, int n, int k) {
    if (m <= 0 || n <= 0 || k <= 0) return 0;
    if (narrow_applies(transA, m, n, k)) return (size_t)(narrow_workspace(n, k) + 16);
    problem p = make_problem(transA, transB, m, n, k, 1, NULL, 1, NULL, 1, 0, NULL, 1);
    idx bf, af;
    buffer_sizes(&p, &bf, &af);
    return (size_t)(bf + af + 16);  // + 16: room to align the start to 64 bytes
}

// ---------------------------------------------------------------------------------------------
// Packing. Both layouts are "panel-major": dst[p * W + j] for p < kc and j < W (W = MR or NR),
// with columns w..<W zero so the kernel never needs to know about edges in its inner loop.

// Source contiguous along the panel width: dst[p * W + j] = src[p * ld + j].
TOON_AVX512 static void pack_contiguous(const float *src, idx ld, idx w, int W, idx kc, float *dst) {
    __mmask16 load_mask[4], store_mask[4];
    int vectors = (W + 15) / 16;
    for (int v = 0; v < vectors; v++) {
        idx lo = 16 * v;
        idx count = min_idx(16, W - lo);
        idx valid = w - lo < 0 ? 0 : min_idx(count, w - lo);
        load_mask[v] = (__mmask16)((1u << valid) - 1);
        store_mask[v] = (__mmask16)((1u << count) - 1);
    }
    if (W == 8) {
        __mmask8 lm = (__mmask8)load_mask[0];
        for (idx p = 0; p < kc; p++)
            _mm256_storeu_ps(dst + p * W, _mm256_maskz_loadu_ps(lm, src + p * ld));
        return;
    }
    for (idx p = 0; p < kc; p++) {
        for (int v = 0; v < vectors; v++) {
            __m512 x = _mm512_maskz_loadu_ps(load_mask[v], src + p * ld + 16 * v);
            _mm512_mask_storeu_ps(dst + p * W + 16 * v, store_mask[v], x);
        }
    }
}

// A KC x NC slice of row-major B into NR-wide panels (panel q at dst + q * panel_stride(kc)), reading each
// source row once from left to right so the hardware prefetcher sees a few long streams.
TOON_AVX512 static void pack_b_rows(const float *src, idx ld, idx nc, idx kc, float *dst) {
    idx full = nc / NR, rest = nc - full * NR, stride = panel_stride(kc);
    __mmask16 mask[NV];
    for (int v = 0; v < NV; v++) {
        idx valid = rest - 16 * v;
        valid = valid < 0 ? 0 : (valid > 16 ? 16 : valid);
        mask[v] = (__mmask16)((1u << valid) - 1);
    }
    for (idx p = 0; p < kc; p++) {
        const float *s = src + p * ld;
        float *d = dst + p * NR;
        for (idx q = 0; q < full; q++) {
            for (int v = 0; v < NV; v++)
                _mm512_store_ps(d + q * stride + 16 * v, _mm512_loadu_ps(s + q * NR + 16 * v));
        }
        if (rest) {
            for (int v = 0; v < NV; v++)
                _mm512_store_ps(d + full * stride + 16 * v, _mm512_maskz_loadu_ps(mask[v], s + full * NR + 16 * v));
        }
    }
}

#define TOON_TRANSPOSE8(r0, r1, r2, r3, r4, r5, r6, r7)                                          \
    do {                                                                                         \
        __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);                 \
        __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);                 \
        __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);                 \
        __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);                 \
        __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);       \
        __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);       \
        __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);       \
        __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);       \
        r0 = _mm256_permute2f128_ps(u0, u4, 0x20); r1 = _mm256_permute2f128_ps(u1, u5, 0x20);    \
        r2 = _mm256_permute2f128_ps(u2, u6, 0x20); r3 = _mm256_permute2f128_ps(u3, u7, 0x20);    \
        r4 = _mm256_permute2f128_ps(u0, u4, 0x31); r5 = _mm256_permute2f128_ps(u1, u5, 0x31);    \
        r6 = _mm256_permute2f128_ps(u2, u6, 0x31); r7 = _mm256_permute2f128_ps(u3, u7, 0x31);    \
    } while (0)

// Source contiguous along k: dst[p * W + j] = src[j * ld + p]. Full groups of 8 columns go
// through 8 x 8 register transposes; the rest (and the zero padding) element by element.
TOON_AVX512 static void pack_transposed(const float *src, idx ld, idx w, int W, idx kc, float *dst) {
    idx j = 0;
    for (; j + 8 <= w; j += 8) {
        const float *s = src + j * ld;
        float *d = dst + j;
        idx p = 0;
        for (; p + 8 <= kc; p += 8) {
            __m256 r0 = _mm256_loadu_ps(s + 0 * ld + p), r1 = _mm256_loadu_ps(s + 1 * ld + p);
            __m256 r2 = _mm256_loadu_ps(s + 2 * ld + p), r3 = _mm256_loadu_ps(s + 3 * ld + p);
            __m256 r4 = _mm256_loadu_ps(s + 4 * ld + p), r5 = _mm256_loadu_ps(s + 5 * ld + p);
            __m256 r6 = _mm256_loadu_ps(s + 6 * ld + p), r7 = _mm256_loadu_ps(s + 7 * ld + p);
            TOON_TRANSPOSE8(r0, r1, r2, r3, r4, r5, r6, r7);
            _mm256_storeu_ps(d + (p + 0) * W, r0); _mm256_storeu_ps(d + (p + 1) * W, r1);
            _mm256_storeu_ps(d + (p + 2) * W, r2); _mm256_storeu_ps(d + (p + 3) * W, r3);
            _mm256_storeu_ps(d + (p + 4) * W, r4); _mm256_storeu_ps(d + (p + 5) * W, r5);
            _mm256_storeu_ps(d + (p + 6) * W, r6); _mm256_storeu_ps(d + (p + 7) * W, r7);
        }
        for (; p < kc; p++)
            for (int q = 0; q < 8; q++) d[p * W + q] = s[q * ld + p];
    }
    for (; j < w; j++)
        for (idx p = 0; p < kc; p++) dst[p * W + j] = src[j * ld + p];
    for (; j < W; j++)
        for (idx p = 0; p < kc; p++) dst[p * W + j] = 0;
}

// ---------------------------------------------------------------------------------------------
// Prefetching the next slice of B (and the next block of A) while this one is being multiplied:
// the copies read from L3 or memory and would otherwise stall (a quarter of the time when A has
// few rows). The kernel calls of one slice share out the lines of the next one, fetched into L2.

typedef struct {
    const char *row;     // current row of the region
    idx ld_bytes;        // distance between rows
    idx lines_per_row;   // cache lines per row
    idx col;             // next line within the row
    idx rows_left;       // rows not finished
    idx per_step;        // lines to fetch per 8 k-steps of the kernel
} prefetcher;

static inline void prefetch_some(prefetcher *pf) {
    for (idx i = 0; i < pf->per_step && pf->rows_left > 0; i++) {
        _mm_prefetch(pf->row + pf->col * 64, _MM_HINT_T1);
        if (++pf->col == pf->lines_per_row) {
            pf->col = 0;
            pf->row += pf->ld_bytes;
            pf->rows_left--;
        }
    }
}

// The region: `rows` rows of `row_floats` floats starting at `base`, `ld` floats apart. `steps`
// is how many 8-step kernel chunks the current slice runs.
static void prefetch_setup(prefetcher *pf, const float *base, idx ld, idx rows, idx row_floats, idx steps) {
    uintptr_t start = (uintptr_t)base & ~(uintptr_t)63;
    uintptr_t end = (uintptr_t)(base + row_floats);
    pf->row = (const char *)start;
    pf->ld_bytes = ld * (idx)sizeof(float);
    pf->lines_per_row = (idx)((end - start + 63) / 64);
    pf->col = 0;
    pf->rows_left = rows;
    idx lines = rows * pf->lines_per_row;
    pf->per_step = steps > 0 ? (lines + steps - 1) / steps : 0;
}

// ---------------------------------------------------------------------------------------------
// Micro-kernel: the MR x NR tile of C at c gets alpha * Ap * Bp + beta * C (only the top-left
// mr x nr part is written; beta == 0 never reads C).

TOON_AVX512 static void micro_kernel(idx kc, const float *restrict ap, const float *restrict bp,
                                     float *c, idx rs_c, idx cs_c, idx mr, idx nr,
                                     float alpha, float beta, prefetcher *pf, prefetcher *pfa) {
    __m512 acc[MR][NV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();

    if (cs_c == 1) {
        for (int r = 0; r < MR; r++) {
            _mm_prefetch((const char *)(c + r * rs_c), _MM_HINT_T0);
            _mm_prefetch((const char *)(c + r * rs_c + NR - 1), _MM_HINT_T0);
        }
    }

    for (idx p0 = 0; p0 < kc; p0 += 8) {
        idx steps = min_idx(8, kc - p0);
#pragma clang loop unroll_count(4)
        for (idx p = 0; p < steps; p++) {
            __m512 bv[NV];
            for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(bp + 16 * v);
            for (int r = 0; r < MR; r++) {
                __m512 av = _mm512_set1_ps(ap[r]);
                for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
            }
            ap += MR;
            bp += NR;
        }
        prefetch_some(pf);
        prefetch_some(pfa);
    }

    __m512 va = _mm512_set1_ps(alpha);
    if (cs_c == 1) {
        __mmask16 mask[NV];
        for (int v = 0; v < NV; v++) {
            idx valid = nr - 16 * v;
            valid = valid < 0 ? 0 : (valid > 16 ? 16 : valid);
            mask[v] = (__mmask16)((1u << valid) - 1);
        }
        if (beta == 0) {
            for (int r = 0; r < MR; r++) {
                if (r >= mr) break;
                for (int v = 0; v < NV; v++)
                    _mm512_mask_storeu_ps(c + r * rs_c + 16 * v, mask[v], _mm512_mul_ps(acc[r][v], va));
            }
        } else if (beta == 1) {
            for (int r = 0; r < MR; r++) {
                if (r >= mr) break;
                for (int v = 0; v < NV; v++) {
                    float *q = c + r * rs_c + 16 * v;
                    __m512 old = _mm512_maskz_loadu_ps(mask[v], q);
                    _mm512_mask_storeu_ps(q, mask[v], _mm512_fmadd_ps(acc[r][v], va, old));
                }
            }
        } else {
            __m512 vb = _mm512_set1_ps(beta);
            for (int r = 0; r < MR; r++) {
                if (r >= mr) break;
                for (int v = 0; v < NV; v++) {
                    float *q = c + r * rs_c + 16 * v;
                    __m512 old = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask[v], q), vb);
                    _mm512_mask_storeu_ps(q, mask[v], _mm512_fmadd_ps(acc[r][v], va, old));
                }
            }
        }
    } else {
        // Strided C (the swapped problem): through a small buffer, column of the tile = row of C.
        _Alignas(64) float tile[MR * NR];
        for (int r = 0; r < MR; r++)
            for (int v = 0; v < NV; v++) _mm512_store_ps(tile + r * NR + 16 * v, acc[r][v]);
        for (idx j = 0; j < nr; j++) {
            float *q = c + j * cs_c;
            // Rounded exactly like the vector path, so a result never depends on the orientation.
            if (beta == 0) {
                for (idx r = 0; r < mr; r++) q[r * rs_c] = alpha * tile[r * NR + j];
            } else if (beta == 1) {
                for (idx r = 0; r < mr; r++) q[r * rs_c] = __builtin_fmaf(tile[r * NR + j], alpha, q[r * rs_c]);
            } else {
                for (idx r = 0; r < mr; r++) {
                    float old = q[r * rs_c] * beta;
                    q[r * rs_c] = __builtin_fmaf(tile[r * NR + j], alpha, old);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Blocked driver.

// The block size near `limit` that cuts `total` into equal parts (multiples of `step`), so that
// k = 576 runs as 2 x 288 rather than 384 + 192. Never more than `limit` (a multiple of `step`).
static idx balanced_block(idx total, idx limit, idx step) {
    idx parts = (total + limit - 1) / limit;
    return min_idx(limit, round_up((total + parts - 1) / parts, step));
}

TOON_AVX512 static void gemm_blocked(const problem *pr, float *bpack, float *apack) {
    const idx m = pr->m, n = pr->n, k = pr->k;
    const idx KC = balanced_block(k, TOON_KC, 8), NC = balanced_block(n, TOON_NC, NR);
    const idx MC = balanced_block(m, TOON_MC, MR);
    for (idx jc = 0; jc < n; jc += NC) {
        idx nc = min_idx(NC, n - jc);
        for (idx pc = 0; pc < k; pc += KC) {
            idx kc = min_idx(KC, k - pc);
            float beta = pc == 0 ? pr->beta : 1.0f;
            // The slice after this one: the next KC rows of B, or the first of the next NC columns.
            prefetcher pf = {0};
            idx npc = pc + KC < k ? pc + KC : 0, njc = pc + KC < k ? jc : jc + NC;
            if (njc < n) {
                idx nkc = min_idx(KC, k - npc), nnc = min_idx(NC, n - njc);
                idx steps = ((m + MR - 1) / MR) * ((nc + NR - 1) / NR) * ((kc + 7) / 8);
                const float *next = pr->b + npc * pr->rs_b + njc * pr->cs_b;
                if (pr->cs_b == 1) prefetch_setup(&pf, next, pr->rs_b, nkc, nnc, steps);
                else prefetch_setup(&pf, next, pr->cs_b, nnc, nkc, steps);
            }
            {
                const float *src = pr->b + pc * pr->rs_b + jc * pr->cs_b;
                if (pr->cs_b == 1) pack_b_rows(src, pr->rs_b, nc, kc, bpack);
                else
                    for (idx jr = 0; jr < nc; jr += NR)
                        pack_transposed(src + jr * pr->cs_b, pr->cs_b, min_idx(NR, nc - jr), NR, kc, bpack + jr / NR * panel_stride(kc));
            }
            for (idx ic = 0; ic < m; ic += MC) {
                idx mc = min_idx(MC, m - ic);
                // The block of A after this one (the next rows, or the first rows of the next slice).
                prefetcher pfa = {0};
                idx nic = ic + MC < m ? ic + MC : 0, nkpc = ic + MC < m ? pc : npc;
                if (ic + MC < m || njc < n) {
                    idx nmc = min_idx(MC, m - nic), nkc = min_idx(KC, k - nkpc);
                    idx steps = ((mc + MR - 1) / MR) * ((nc + NR - 1) / NR) * ((kc + 7) / 8);
                    const float *next = pr->a + nic * pr->rs_a + nkpc * pr->cs_a;
                    if (pr->cs_a == 1) prefetch_setup(&pfa, next, pr->rs_a, nmc, nkc, steps);
                    else prefetch_setup(&pfa, next, pr->cs_a, nkc, nmc, steps);
                }
                for (idx ir = 0; ir < mc; ir += MR) {
                    idx h = min_idx(MR, mc - ir);
                    const float *src = pr->a + (ic + ir) * pr->rs_a + pc * pr->cs_a;
                    if (pr->rs_a == 1) pack_contiguous(src, pr->cs_a, h, MR, kc, apack + ir * kc);
                    else pack_transposed(src, pr->rs_a, h, MR, kc, apack + ir * kc);
                }
                for (idx jr = 0; jr < nc; jr += NR) {
                    idx w = min_idx(NR, nc - jr);
                    for (idx ir = 0; ir < mc; ir += MR) {
                        idx h = min_idx(MR, mc - ir);
                        micro_kernel(kc, apack + ir * kc, bpack + jr / NR * panel_stride(kc),
                                     pr->c + (ic + ir) * pr->rs_c + (jc + jr) * pr->cs_c,
                                     pr->rs_c, pr->cs_c, h, w, pr->alpha, beta, &pf, &pfa);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Narrow path: C has few columns (n <= TOON_NARROW_N) and A is not transposed, as in convolutions
// over a few output pixels, C[Cout, pixels] = W[Cout, Cin*9] x cols. Each weight is used only n
// times there, so packing A (read, write, read again) would cost more than the FMAs it feeds.
// Instead op(B) is copied once per KC-deep slice into zero-padded 64-column chunks (k-major within
// a chunk, small enough to stay in L2) and A is streamed straight from its rows: a block of R rows
// by up to 4 vectors of 16 columns lives in zmm accumulators, and each A element is broadcast from
// memory into the FMAs of its row. A is read exactly once; C (m x n, small) once per slice.

// Up to TOON_SGEMM_NARROW_N columns (CGemm.h): on this machine every n <= 256 tried ran as fast as
// the packed path or faster (n = 16: 1.7x, 64: 1.4x, 256: 1.13x for m = 512, k = 4608).
#define TOON_NARROW_N TOON_SGEMM_NARROW_N
// Floats of packed B per slice: KC * round_up(n, 16) stays at or under this (about 384 KB).
#define TOON_NARROW_B_FLOATS (96 * 1024)
// How far ahead (floats) A rows are prefetched.
#define TOON_NARROW_PF 512

static idx narrow_kc(idx n, idx k) {
    idx npad = round_up(n, 16);
    idx limit = TOON_NARROW_B_FLOATS / npad;
    limit = limit < 16 ? 16 : limit / 16 * 16;
    return balanced_block(k, limit, 16);
}

static int narrow_applies(int transA, int m, int n, int k) {
    return !transA && n <= TOON_NARROW_N && m > 0 && k > 0;
}

static idx narrow_workspace(int n, int k) {
    return narrow_kc(n, k) * round_up(n, 16);
}

// C block (R rows x NV vectors) = alpha * A[rows, 0..kc) * Bchunk + beta * C; `bp` is kc rows of
// `bw` floats (bw = 16 * NV or more), `mask` selects the columns of the last vector to store.
TOON_AVX512 __attribute__((always_inline)) static inline void
narrow_block(const int R, const int NV, idx kc, const float *a, idx lda, const float *bp, idx bw,
             float *c, idx ldc, float alpha, float beta, __mmask16 mask) {
    __m512 acc[8][4];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    for (idx k0 = 0; k0 < kc; k0 += 16) {
        for (int r = 0; r < R; r++) _mm_prefetch((const char *)(a + r * lda + k0 + TOON_NARROW_PF), _MM_HINT_T0);
        idx kend = min_idx(k0 + 16, kc);
        for (idx k = k0; k < kend; k++) {
            __m512 bv[4];
            for (int v = 0; v < NV; v++) bv[v] = _mm512_load_ps(bp + k * bw + 16 * v);
            for (int r = 0; r < R; r++) {
                __m512 ar = _mm512_set1_ps(a[r * lda + k]);
                for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
            }
        }
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int r = 0; r < R; r++) {
        float *cr = c + r * ldc;
        for (int v = 0; v < NV; v++) {
            __mmask16 mk = v == NV - 1 ? mask : (__mmask16)0xFFFF;
            __m512 x = _mm512_mul_ps(va, acc[r][v]);
            if (beta != 0) x = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mk, cr + 16 * v), x);
            _mm512_mask_storeu_ps(cr + 16 * v, mk, x);
        }
    }
}

// Rows of C in blocks of R for one column chunk of NV vectors; leftover rows one at a time.
#define NARROW_ROWS(R, NV)                                                                          \
    do {                                                                                            \
        idx i = 0;                                                                                  \
        for (; i + (R) <= m; i += (R))                                                              \
            narrow_block((R), (NV), kc, a + i * lda, lda, bp, bw, c + i * ldc, ldc, alpha, beta, mask); \
        for (; i < m; i++)                                                                          \
            narrow_block(1, (NV), kc, a + i * lda, lda, bp, bw, c + i * ldc, ldc, alpha, beta, mask); \
    } while (0)

TOON_AVX512 static void narrow_chunk(idx m, idx nv, idx kc, const float *a, idx lda, const float *bp, idx bw,
                                     float *c, idx ldc, float alpha, float beta, __mmask16 mask) {
    switch (nv) {
    case 1: NARROW_ROWS(8, 1); break;
    case 2: NARROW_ROWS(8, 2); break;
    case 3: NARROW_ROWS(8, 3); break;
    default: NARROW_ROWS(6, 4); break;
    }
}

TOON_AVX512 static void gemm_narrow(int transB, idx m, idx n, idx k, float alpha, const float *a, idx lda,
                                    const float *b, idx ldb, float beta, float *c, idx ldc, float *bpack) {
    const idx KC = narrow_kc(n, k), npad = round_up(n, 16);
    for (idx pc = 0; pc < k; pc += KC) {
        idx kc = min_idx(KC, k - pc);
        // Pack op(B)[pc..pc+kc, 0..n) into chunks of up to 64 columns, each kc x bw, zero-padded.
        for (idx j0 = 0; j0 < npad; j0 += 64) {
            idx bw = min_idx(64, npad - j0), w = min_idx(bw, n - j0);
            float *dst = bpack + j0 * kc;
            for (idx p = 0; p < kc; p++) {
                float *row = dst + p * bw;
                if (!transB) {
                    const float *src = b + (pc + p) * ldb + j0;
                    for (idx j = 0; j < w; j++) row[j] = src[j];
                } else {
                    const float *src = b + j0 * ldb + pc + p;
                    for (idx j = 0; j < w; j++) row[j] = src[j * ldb];
                }
                for (idx j = w; j < bw; j++) row[j] = 0;
            }
        }
        float bt = pc == 0 ? beta : 1.0f;
        for (idx j0 = 0; j0 < n; j0 += 64) {
            idx bw = min_idx(64, npad - j0), w = min_idx(64, n - j0);
            idx nv = bw / 16, tail = w - 16 * (nv - 1);
            __mmask16 mask = (__mmask16)((1u << tail) - 1);
            narrow_chunk(m, nv, kc, a + pc, lda, bpack + j0 * kc, bw, c + j0, ldc, alpha, bt, mask);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Per-thread packing buffer for callers that pass no workspace.

typedef struct { float *data; size_t floats; } thread_buffer;
static pthread_key_t buffer_key;
static pthread_once_t buffer_once = PTHREAD_ONCE_INIT;

static void free_thread_buffer(void *value) {
    thread_buffer *t = value;
    free(t->data);
    free(t);
}

static void make_buffer_key(void) { pthread_key_create(&buffer_key, free_thread_buffer); }

static float *thread_workspace(size_t floats) {
    pthread_once(&buffer_once, make_buffer_key);
    thread_buffer *t = pthread_getspecific(buffer_key);
    if (t == NULL) {
        t = calloc(1, sizeof *t);
        if (t == NULL || pthread_setspecific(buffer_key, t) != 0) goto fail;
    }
    if (t->floats < floats) {
        free(t->data);
        t->data = NULL;
        t->floats = 0;
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        t->data = aligned_alloc(64, bytes);
        if (t->data == NULL) goto fail;
        t->floats = floats;
    }
    return t->data;
fail:
    fprintf(stderr, "toon_sgemm_avx512: out of memory for %zu floats of workspace\n", floats);
    abort();
}

void toon_sgemm_avx512(int transA, int transB, int m, int n, int k, float alpha,
                       const float *a, int lda, const float *b, int ldb,
                       float beta, float *c, int ldc, float *workspace) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0) {
        for (idx i = 0; i < m; i++) {
            float *row = c + i * (idx)ldc;
            if (beta == 0) for (idx j = 0; j < n; j++) row[j] = 0;
            else if (beta != 1) for (idx j = 0; j < n; j++) row[j] *= beta;
        }
        return;
    }
    if (!toon_sgemm_avx512_available()) {
        fprintf(stderr, "toon_sgemm_avx512: this CPU lacks AVX-512 (check toon_sgemm_avx512_available)\n");
        abort();
    }
    if (narrow_applies(transA, m, n, k)) {
        float *ws = workspace ? workspace : thread_workspace((size_t)(narrow_workspace(n, k) + 16));
        float *bpack = (float *)(((uintptr_t)ws + 63) & ~(uintptr_t)63);
        gemm_narrow(transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bpack);
        return;
    }
    problem p = make_problem(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    idx bf, af;
    buffer_sizes(&p, &bf, &af);
    float *ws = workspace ? workspace : thread_workspace((size_t)(bf + af + 16));
    float *bpack = (float *)(((uintptr_t)ws + 63) & ~(uintptr_t)63);
    gemm_blocked(&p, bpack, bpack + bf);
}

#else  // not x86: no fast path; callers see available() == 0 and use BLAS.

int toon_sgemm_avx512_available(void) { return 0; }

size_t toon_sgemm_avx512_workspace_size(int transA, int transB, int m, int n, int k) {
    (void)transA; (void)transB; (void)m; (void)n; (void)k;
    return 0;
}

void toon_sgemm_avx512(int transA, int transB, int m, int n, int k, float alpha,
                       const float *a, int lda, const float *b, int ldb,
                       float beta, float *c, int ldc, float *workspace) {
    (void)transA; (void)transB; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda;
    (void)b; (void)ldb; (void)beta; (void)c; (void)ldc; (void)workspace;
    __builtin_trap();
}

#endif
