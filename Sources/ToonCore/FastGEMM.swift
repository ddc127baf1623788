import Foundation
import CGemm

/// Single-precision matrix products with this project's own AVX-512 kernel (`CGemm`), for CPUs
/// whose cpuid reports AVX-512 F/VL/BW/DQ. The library is built for the Haswell baseline; the
/// kernel's AVX-512 code runs only where `isSupported` is true. Same conventions as `BLAS.sgemm`,
/// which calls it for every product when the current `ComputeConfiguration` asks for AVX-512 and splits large products across cores.
public enum FastGEMM {
    /// Whether this CPU can run the kernel (decided by cpuid once, at first use).
    public static let isSupported: Bool = toon_sgemm_avx512_available() != 0

    /// C = alpha * op(A) * op(B) + beta * C, row-major, on the calling thread only. `beta == 0`
    /// never reads C. Requires `isSupported`.
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(isSupported, "FastGEMM.sgemm needs AVX-512 (check FastGEMM.isSupported)")
        guard m > 0, n > 0 else { return }
        precondition(max(m, n, k, lda, ldb, ldc) <= Int(Int32.max), "FastGEMM: dimension beyond Int32")
        toon_sgemm_avx512(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                          a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc), nil)
    }
}
