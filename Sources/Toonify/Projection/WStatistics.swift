import StyleGAN
import ToonCore

/// The centre and spread of a generator's W: the projector starts at w_avg and scales its w
/// perturbation by w_std.
public struct WStatistics: Sendable {
    /// [wDim]: the mean w of the samples.
    public let average: Tensor
    /// sqrt(mean over samples of |w - average|^2): one number for the whole space.
    public let standardDeviation: Double

    /// From `count` latents of numpy's `RandomState(seed).randn(count, zDim)` (NVLabs: 10000 from
    /// seed 123), mapped without labels or truncation, in batches so memory stays small.
    public init(_ generator: Generator, count: Int, seed: UInt32 = 123) {
        precondition(count >= 1, "w statistics need at least one sample")
        var random = NumpyRandomState(seed: seed)
        let d = generator.config.wDim, batch = 500
        var sum = [Double](repeating: 0, count: d), rows: [[Float]] = []
        rows.reserveCapacity(count)
        var done = 0
        while done < count {
            let n = min(batch, count - done)
            let z = random.normalTensor([n, generator.config.zDim])
            let c = generator.config.cDim > 0 ? Tensor.zeros([n, generator.config.cDim]) : nil
            let w = withoutGradients { generator.mapping(z: z, c: c).slice(axis: 1, 0..<1).contiguous() }.scalars
            for r in 0..<n {
                let row = Array(w[(r * d)..<((r + 1) * d)])
                for i in 0..<d { sum[i] += Double(row[i]) }
                rows.append(row)
            }
            done += n
        }
        let mean = sum.map { $0 / Double(count) }
        var squares = 0.0
        for row in rows { for i in 0..<d { let e = Double(row[i]) - mean[i]; squares += e * e } }
        average = Tensor(shape: [d], scalars: mean.map(Float.init))
        standardDeviation = (squares / Double(count)).squareRoot()
    }
}
