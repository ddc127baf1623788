import ToonCore

/// Kernel Inception Distance (Binkowski et al.), as NVLabs' metrics/kernel_inception_distance.py
/// computes it: the unbiased MMD^2 with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3,
/// averaged over `subsets` random subsets of m = min(N_real, N_fake, maxSubsetSize) rows a side.
public enum KernelInceptionDistance {
    /// KID between `real` and `fake`, rows of `dimensions` features. Subsets are drawn as NVLabs draws
    /// them after `np.random.seed(seed)`: for each subset `choice(N_fake, m, replace=False)`, then
    /// `choice(N_real, m, replace=False)` (numpy's legacy permutation, reproduced exactly).
    public static func distance(real: [Float], fake: [Float], dimensions: Int, subsets: Int = 100,
                                maxSubsetSize: Int = 1000, seed: UInt32 = 0) -> Double {
        precondition(dimensions > 0 && real.count % dimensions == 0 && fake.count % dimensions == 0, "rows of \(dimensions) features")
        let (realCount, fakeCount) = (real.count / dimensions, fake.count / dimensions)
        let m = Swift.min(realCount, fakeCount, maxSubsetSize)
        precondition(m >= 2 && subsets >= 1, "KID needs two or more rows a side")
        var random = NumpyRandomState(seed: seed)
        let draws = (0..<subsets).map { _ in
            (fake: Array(random.permutation(fakeCount).prefix(m)), real: Array(random.permutation(realCount).prefix(m)))
        }
        var terms = [Double](repeating: 0, count: subsets)
        terms.withUnsafeMutableBufferPointer { out in
            let out = KIDSlots(out.baseAddress!)
            Parallel.forEach(subsets, grain: 1) { range in
                for s in range {
                    let x = rows(fake, draws[s].fake, dimensions), y = rows(real, draws[s].real, dimensions)
                    let xx = kernelSum(x, x, m, dimensions), yy = kernelSum(y, y, m, dimensions), xy = kernelSum(x, y, m, dimensions)
                    out.pointer[s] = (xx.total - xx.diagonal + yy.total - yy.diagonal) / Double(m - 1) - xy.total * 2 / Double(m)
                }
            }
        }
        return terms.reduce(0, +) / Double(subsets) / Double(m)
    }

    private static func rows(_ features: [Float], _ indices: [Int], _ d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: indices.count * d)
        for (r, i) in indices.enumerated() { for j in 0..<d { out[r * d + j] = Double(features[i * d + j]) } }
        return out
    }

    /// The sum of (x_i . y_j / d + 1)^3 over all pairs, and over i == j.
    private static func kernelSum(_ x: [Double], _ y: [Double], _ m: Int, _ d: Int) -> (total: Double, diagonal: Double) {
        var dots = [Double](repeating: 0, count: m * m)
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                dots.withUnsafeMutableBufferPointer { c in
                    DoubleLinearAlgebra.dgemm(transA: false, transB: true, m: m, n: m, k: d, alpha: 1 / Double(d),
                                              a: a.baseAddress!, lda: d, b: b.baseAddress!, ldb: d, c: c.baseAddress!, ldc: m)
                }
            }
        }
        var total = 0.0, diagonal = 0.0
        for i in 0..<m {
            for j in 0..<m {
                let k = dots[i * m + j] + 1
                total += k * k * k
                if i == j { diagonal += k * k * k }
            }
        }
        return (total, diagonal)
    }
}

/// Per-subset results written at disjoint indices by `Parallel` workers.
private struct KIDSlots: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Double>
    init(_ pointer: UnsafeMutablePointer<Double>) { self.pointer = pointer }
}
