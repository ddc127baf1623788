#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Double-precision dense algebra for statistics over features (covariances, FID's matrix square
/// root): row-major products through the platform BLAS and LAPACK's symmetric eigensolver. These
/// run single-threaded, as all BLAS calls in ToonKit do.
public enum DoubleLinearAlgebra {
    /// C = alpha * op(A) * op(B) + beta * C, row-major, with row strides `lda`, `ldb`, `ldc`.
    public static func dgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double = 1,
                             a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                             beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        _ = BLAS.singleThreaded
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C = alpha * A^T A + beta * C for A [k, n] (row-major): both triangles of the [n, n] result are
    /// written, so C can be read as a full symmetric matrix.
    public static func gram(n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                            beta: Double = 0, c: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        _ = BLAS.singleThreaded
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(lda), beta, c, Int32(n))
        for i in 0..<n { for j in 0..<i { c[i * n + j] = c[j * n + i] } }
    }

    /// Eigenvalues (ascending) of the symmetric [n, n] matrix `a` and, when `vectors`, its orthonormal
    /// eigenvectors: row-major, column j is the vector of value j. Nil when LAPACK does not converge.
    public static func symmetricEigen(_ a: [Double], n: Int, vectors: Bool) -> (values: [Double], vectors: [Double])? {
        precondition(a.count == n * n, "symmetricEigen: \(a.count) values for a \(n)x\(n) matrix")
        guard n > 0 else { return ([], []) }
        _ = BLAS.singleThreaded
        // A symmetric row-major matrix is its own column-major transpose, and LAPACK returns vectors
        // as columns of a column-major matrix, i.e. as rows here: transposed back below.
        var m = a, w = [Double](repeating: 0, count: n)
        var queryWork = 0.0, queryIWork: Int32 = 0
        guard syevd(vectors, n, &m, &w, &queryWork, -1, &queryIWork, -1) == 0 else { return nil }
        var work = [Double](repeating: 0, count: Int(queryWork)), iwork = [Int32](repeating: 0, count: Int(queryIWork))
        guard syevd(vectors, n, &m, &w, &work, Int32(work.count), &iwork, Int32(iwork.count)) == 0 else { return nil }
        guard vectors else { return (w, []) }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { v[i * n + j] = m[j * n + i] } }
        return (w, v)
    }

    /// LAPACK dsyevd on the lower triangle; returns `info`.
    private static func syevd(_ vectors: Bool, _ n: Int, _ a: inout [Double], _ w: inout [Double],
                              _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
                              _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32 {
        var jobz: CChar = vectors ? 0x56 : 0x4E  // "V" or "N"
        var uplo: CChar = 0x4C  // "L"
        var size = Int32(n), lda = Int32(n), lw = lwork, liw = liwork, info: Int32 = 0
        #if canImport(Accelerate)
        _ = dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, work, &lw, iwork, &liw, &info)
        #else
        dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, work, &lw, iwork, &liw, &info, 1, 1)
        #endif
        return info
    }
}
