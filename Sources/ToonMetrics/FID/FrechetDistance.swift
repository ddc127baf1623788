import ToonCore

/// The Fréchet distance between two Gaussians fitted to features (FID when they are Inception
/// features): |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrtm(S1 S2)), as pytorch-fid's
/// `calculate_frechet_distance` computes it.
public enum FrechetDistance {
    /// The distance, or NaN when the eigensolver fails (LAPACK reports no convergence).
    public static func distance(_ a: FeatureStatistics, _ b: FeatureStatistics) -> Double {
        precondition(a.dimensions == b.dimensions, "statistics of \(a.dimensions) and \(b.dimensions) dimensions")
        let n = a.dimensions
        var meanTerm = 0.0, traces = 0.0
        for j in 0..<n {
            let d = a.mean[j] - b.mean[j]
            meanTerm += d * d
            traces += a.covariance[j * n + j] + b.covariance[j * n + j]
        }
        guard let root = traceOfSquareRoot(a.covariance, b.covariance, n: n) else { return .nan }
        return meanTerm + traces - 2 * root
    }

    /// tr(sqrtm(S1 S2)) for symmetric positive semi-definite S1, S2.
    ///
    /// With R = sqrt(S1) (from S1's eigendecomposition), S1 S2 = R (R S2) and M = (R S2) R = R S2 R:
    /// AB and BA always have the same eigenvalues, so S1 S2 has M's, which are real and >= 0
    /// because M is symmetric PSD. The principal square root that scipy's `sqrtm` returns has
    /// eigenvalues sqrt(lambda_i), so its trace is sum(sqrt(lambda_i)), computed here from a
    /// symmetric eigensolver: no complex Schur form, no imaginary residue to drop, and no failure
    /// when S1 S2 is singular (fewer images than dimensions), where pytorch-fid's result carries
    /// sqrtm's rounding instead. Eigenvalues below zero are rounding and count as zero.
    static func traceOfSquareRoot(_ s1: [Double], _ s2: [Double], n: Int) -> Double? {
        guard let (values, vectors) = DoubleLinearAlgebra.symmetricEigen(s1, n: n, vectors: true) else { return nil }
        // M' = D^1/2 V^T S2 V D^1/2 is M turned into S1's eigenbasis (V^T M V), so it has M's eigenvalues.
        var product = [Double](repeating: 0, count: n * n), turned = [Double](repeating: 0, count: n * n)
        vectors.withUnsafeBufferPointer { v in
            s2.withUnsafeBufferPointer { s in
                product.withUnsafeMutableBufferPointer { p in
                    DoubleLinearAlgebra.dgemm(transA: false, transB: false, m: n, n: n, k: n, a: s.baseAddress!, lda: n,
                                              b: v.baseAddress!, ldb: n, c: p.baseAddress!, ldc: n)
                }
            }
            product.withUnsafeBufferPointer { p in
                turned.withUnsafeMutableBufferPointer { t in
                    DoubleLinearAlgebra.dgemm(transA: true, transB: false, m: n, n: n, k: n, a: v.baseAddress!, lda: n,
                                              b: p.baseAddress!, ldb: n, c: t.baseAddress!, ldc: n)
                }
            }
        }
        let roots = values.map { Swift.max($0, 0).squareRoot() }
        for i in 0..<n { for j in 0..<n { turned[i * n + j] *= roots[i] * roots[j] } }
        // Exactly symmetric again (the products leave rounding-level asymmetry): LAPACK reads one triangle.
        for i in 0..<n { for j in 0..<i { turned[j * n + i] = turned[i * n + j] } }
        guard let (eigenvalues, _) = DoubleLinearAlgebra.symmetricEigen(turned, n: n, vectors: false) else { return nil }
        return eigenvalues.reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
    }
}
