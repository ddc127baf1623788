import CGemm

/// Single-precision matrix products with this project's own AVX-512 kernel (`CGemm`), for CPUs
/// whose cpuid reports AVX-512 F/VL/BW/DQ. The library is built for the Haswell baseline; the
/// kernel's AVX-512 code runs only where `isAvailable` is true. Same conventions as `BLAS.sgemm`.
public enum FastGEMM {
    /// Whether this CPU can run the kernel (decided by cpuid once, at first use).
    public static let isAvailable: Bool = toon_sgemm_avx512_available() != 0

    /// C = alpha * op(A) * op(B) + beta * C, row-major, on the calling thread only. `beta == 0`
    /// never reads C. Requires `isAvailable`.
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(isAvailable, "FastGEMM.sgemm needs AVX-512 (check FastGEMM.isAvailable)")
        guard m > 0, n > 0 else { return }
        precondition(max(m, n, k, lda, ldb, ldc) <= Int(Int32.max), "FastGEMM: dimension beyond Int32")
        toon_sgemm_avx512(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                          a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc), nil)
    }

    /// Products smaller than this many multiply-adds stay on the calling thread.
    static let parallelThreshold = 1 << 21

    /// `sgemm` split over `Parallel.workerCount` threads: the columns of C in multiples of the
    /// kernel's 48-wide panels, or its rows when C is too narrow to share out. Each part is an
    /// independent single-threaded kernel call on disjoint parts of C, so no threads nest.
    public static func parallelSGEMM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let workers = Parallel.workerCount
        guard workers > 1, m * n * max(k, 1) >= parallelThreshold else {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let columnPanel = 48, rowPanel = 16
        if n >= 2 * columnPanel * workers || n >= m {
            let units = (n + columnPanel - 1) / columnPanel
            Parallel.forEach(units, grain: 1) { range in
                let lo = range.lowerBound * columnPanel, hi = min(n, range.upperBound * columnPanel)
                sgemm(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha,
                      a: a, lda: lda, b: transB ? b + lo * ldb : b + lo, ldb: ldb,
                      beta: beta, c: c + lo, ldc: ldc)
            }
        } else {
            let units = (m + rowPanel - 1) / rowPanel
            Parallel.forEach(units, grain: 1) { range in
                let lo = range.lowerBound * rowPanel, hi = min(m, range.upperBound * rowPanel)
                sgemm(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                      a: transA ? a + lo : a + lo * lda, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: c + lo * ldc, ldc: ldc)
            }
        }
    }
}
