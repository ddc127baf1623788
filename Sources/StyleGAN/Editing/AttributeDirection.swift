import ToonCore

/// A direction in W along which a labelled attribute grows, fitted to latents whose labels are known
/// (e.g. projections of labelled images): for a 0/1 label the difference of the two classes' mean w
/// (InterFaceGAN's separating direction, in its closed-form, class-mean version); for any other
/// label the ridge regression of the label on w. Unit length, oriented so moving along it raises
/// the label.
public struct AttributeDirection: Sendable {
    /// [wDim], unit length.
    public let vector: [Double]
    /// Whether the label was 0/1 (class means) or graded (regression).
    public let binary: Bool
    /// Pearson correlation between w . vector and the label on latents the fit did not see (every
    /// fifth latent held out, the direction refitted on the rest): how much of the attribute one
    /// straight direction explains. Nil below 10 latents. (On the fitting latents themselves the
    /// correlation says little: with fewer latents than dimensions a regression fits any labels.)
    public let heldOutCorrelation: Double?

    /// Ridge strength, relative to the mean eigenvalue of the latents' covariance.
    public static let ridge = 1e-2

    /// Fits the direction of `labels` (one per latent) in `latents` [N, wDim] (w+ latents: pass
    /// their mean over layers).
    public static func fit(latents: Tensor, labels: [Double]) throws(StyleGANError) -> AttributeDirection {
        let all = try direction(latents: latents, labels: labels)
        var heldOut: Double?
        let n = labels.count, d = latents.shape[1]
        let test = (0..<n).filter { $0 % 5 == 0 }, train = (0..<n).filter { $0 % 5 != 0 }
        let x = latents.contiguous().scalars
        func rows(_ indices: [Int]) -> Tensor {
            Tensor(shape: [indices.count, d], scalars: indices.flatMap { x[($0 * d)..<(($0 + 1) * d)] })
        }
        if n >= 10, let partial = try? direction(latents: rows(train), labels: train.map { labels[$0] }) {
            let held = rows(test).scalars.map(Double.init)
            let mean = (0..<d).map { j in test.indices.reduce(0.0) { $0 + held[$1 * d + j] } / Double(test.count) }
            heldOut = correlation(held, mean: mean, direction: partial.vector, labels: test.map { labels[$0] }, n: test.count, d: d)
        }
        return AttributeDirection(vector: all.vector, binary: all.binary, heldOutCorrelation: heldOut)
    }

    /// The fit itself: the unit direction and whether the labels were 0/1.
    static func direction(latents: Tensor, labels: [Double]) throws(StyleGANError) -> (vector: [Double], binary: Bool) {
        func fail(_ why: String) -> StyleGANError { StyleGANError(file: nil, .editing(.attributeFit(why))) }
        guard latents.rank == 2, latents.shape[0] == labels.count else {
            throw fail("\(labels.count) labels for latents of shape \(latents.shape); one label per latent row")
        }
        let (n, d) = (latents.shape[0], latents.shape[1])
        guard n >= 2 else { throw fail("fitting a direction needs two latents or more, not \(n)") }
        guard labels.allSatisfy(\.isFinite) else { throw fail("a label is not a finite number") }
        let x = latents.contiguous().scalars.map(Double.init)
        guard x.allSatisfy(\.isFinite) else { throw fail("a latent holds a value that is not finite") }
        let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + x[$1 * d + j] } / Double(n) }
        let labelMean = labels.reduce(0, +) / Double(n)
        guard labels.contains(where: { $0 != labels[0] }) else { throw fail("every latent has the label \(labels[0]); nothing to separate") }
        let binary = labels.allSatisfy { $0 == 0 || $0 == 1 }
        var direction: [Double]
        if binary {
            var sums = ([Double](repeating: 0, count: d), [Double](repeating: 0, count: d)), counts = (0.0, 0.0)
            for i in 0..<n {
                if labels[i] == 1 { counts.1 += 1; for j in 0..<d { sums.1[j] += x[i * d + j] } }
                else { counts.0 += 1; for j in 0..<d { sums.0[j] += x[i * d + j] } }
            }
            direction = (0..<d).map { sums.1[$0] / counts.1 - sums.0[$0] / counts.0 }
        } else {
            direction = try regression(x, mean: mean, labels: labels.map { $0 - labelMean }, n: n, d: d)
        }
        let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard length > 0, length.isFinite else { throw fail("the latents do not vary with the label") }
        return (direction.map { $0 / length }, binary)
    }

    /// (C + lambda I)^-1 X^T y with C the latents' scatter, through C's eigenvectors.
    static func regression(_ x: [Double], mean: [Double], labels: [Double], n: Int, d: Int) throws(StyleGANError) -> [Double] {
        var centred = x
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= mean[j] } }
        var scatter = [Double](repeating: 0, count: d * d)
        centred.withUnsafeBufferPointer { a in
            scatter.withUnsafeMutableBufferPointer { c in
                DoubleLinearAlgebra.gram(n: d, k: n, a: a.baseAddress!, lda: d, c: c.baseAddress!)
            }
        }
        var xty = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { xty[j] += centred[i * d + j] * labels[i] } }
        guard let (values, vectors) = DoubleLinearAlgebra.symmetricEigen(scatter, n: d, vectors: true) else {
            throw StyleGANError(file: nil, .editing(.attributeFit("the latents' covariance has no eigen-decomposition")))
        }
        let lambda = ridge * max(values.reduce(0, +) / Double(d), 1e-12)
        // vectors: row-major, column k is eigenvector k.
        var out = [Double](repeating: 0, count: d)
        for k in 0..<d {
            var projection = 0.0
            for j in 0..<d { projection += vectors[j * d + k] * xty[j] }
            let scale = projection / (max(values[k], 0) + lambda)
            for j in 0..<d { out[j] += scale * vectors[j * d + k] }
        }
        return out
    }

    static func correlation(_ x: [Double], mean: [Double], direction: [Double], labels: [Double], n: Int, d: Int) -> Double {
        let scores = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + (x[i * d + $1] - mean[$1]) * direction[$1] } }
        let sm = scores.reduce(0, +) / Double(n), lm = labels.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<n {
            sxy += (scores[i] - sm) * (labels[i] - lm)
            sxx += (scores[i] - sm) * (scores[i] - sm)
            syy += (labels[i] - lm) * (labels[i] - lm)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}
