#ifndef TOON_CGEMM_H
#define TOON_CGEMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Products with op(A) = A (not transposed) and n <= this many columns take the kernel's narrow path:
/// A is streamed from its rows without being packed, so splitting such a product across threads by
/// rows of C (each thread reads its own rows of A) costs no extra memory traffic.
#define TOON_SGEMM_NARROW_N 256

/// 1 when this CPU (and OS) can run `toon_sgemm_avx512` (AVX-512 F/VL/BW/DQ and FMA), else 0.
/// Decided by cpuid at run time; the library itself is built for the Haswell baseline.
int toon_sgemm_avx512_available(void);

/// Floats of workspace `toon_sgemm_avx512` needs for this problem (packing buffers, plus slack for
/// 64-byte alignment). Depends only on the arguments, never on the data.
size_t toon_sgemm_avx512_workspace_size(int transA, int transB, int m, int n, int k);

/// C = alpha * op(A) * op(B) + beta * C, row-major like cblas_sgemm (lda, ldb, ldc: row strides in
/// elements; op(X) = X^T when transX is non-zero). Single-threaded: callers run disjoint parts of C
/// on their own threads. beta == 0 never reads C (it may hold NaN or be uninitialised); alpha == 0
/// or k == 0 reads neither A nor B. `workspace` holds at least
/// `toon_sgemm_avx512_workspace_size(...)` floats (any alignment), or is NULL: then a per-thread
/// buffer, kept for the thread's lifetime, is used. Call only when
/// `toon_sgemm_avx512_available()` returns 1 (otherwise it prints a message and aborts).
void toon_sgemm_avx512(int transA, int transB, int m, int n, int k, float alpha,
                       const float *a, int lda, const float *b, int ldb,
                       float beta, float *c, int ldc, float *workspace);

#ifdef __cplusplus
}
#endif

#endif
