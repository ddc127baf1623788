import ToonCore

/// Mean and covariance of a set of feature vectors, in Double: numpy's `mean(axis=0)` and
/// `cov(rowvar=False)` (divisor N - 1), as pytorch-fid stores them.
public struct FeatureStatistics: Sendable, Equatable {
    public let count: Int
    public let dimensions: Int
    public let mean: [Double]
    /// [dimensions, dimensions], row-major and symmetric.
    public let covariance: [Double]

    /// Statistics of `features`, `count` rows of `dimensions` values each (at least two rows).
    public init(features: [Float], dimensions: Int) {
        precondition(dimensions > 0 && features.count % dimensions == 0, "\(features.count) values are not rows of \(dimensions)")
        let count = features.count / dimensions
        precondition(count >= 2, "a covariance needs two or more rows, not \(count)")
        var mean = [Double](repeating: 0, count: dimensions)
        for r in 0..<count { for j in 0..<dimensions { mean[j] += Double(features[r * dimensions + j]) } }
        for j in 0..<dimensions { mean[j] /= Double(count) }
        // Centred rows, a block at a time, summed into their Gram matrix: centring first keeps the
        // precision that sum(x^2) - n mean^2 would lose where the mean is large against the spread.
        var covariance = [Double](repeating: 0, count: dimensions * dimensions)
        let blockRows = 256
        var block = [Double](repeating: 0, count: blockRows * dimensions)
        for start in stride(from: 0, to: count, by: blockRows) {
            let rows = Swift.min(blockRows, count - start)
            for r in 0..<rows {
                for j in 0..<dimensions { block[r * dimensions + j] = Double(features[(start + r) * dimensions + j]) - mean[j] }
            }
            block.withUnsafeBufferPointer { a in
                covariance.withUnsafeMutableBufferPointer { c in
                    DoubleLinearAlgebra.gram(n: dimensions, k: rows, alpha: 1 / Double(count - 1), a: a.baseAddress!,
                                             lda: dimensions, beta: start == 0 ? 0 : 1, c: c.baseAddress!)
                }
            }
        }
        self.init(count: count, mean: mean, covariance: covariance)
    }

    /// Statistics computed elsewhere (e.g. read from a file).
    public init(count: Int, mean: [Double], covariance: [Double]) {
        precondition(covariance.count == mean.count * mean.count, "covariance of \(covariance.count) values for \(mean.count) dimensions")
        self.count = count
        self.dimensions = mean.count
        self.mean = mean
        self.covariance = covariance
    }
}
