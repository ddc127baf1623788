import Foundation
import ToonMetrics
import StyleGAN
import ToonCore

/// Perceptual path length as NVLabs' metrics/perceptual_path_length.py measures it: pairs of
/// latents a step `epsilon` apart on a path between two random latents (lerp in W or slerp in Z, at
/// a random point of the path or at its ends), both images made with the same random noise maps,
/// the face crop, a box downsample to 256 px, and the LPIPS distance divided by epsilon squared; the
/// metric is the mean of the distances between their 1st and 99th percentiles.
///
/// The distance is LPIPS-VGG16 as the `lpips` package computes it; NVLabs runs a TorchScript port of
/// the same network (vgg16.pt), whose weights are the original LPIPS release's, so values are close
/// to NVLabs' but not the same number.
public struct PerceptualPathLength: Sendable {
    public enum Space: String, Sendable, CaseIterable { case z, w }
    public enum Sampling: String, Sendable, CaseIterable { case full, end }

    /// NVLabs' step along the path.
    public static let defaultEpsilon: Float = 1e-4
    /// Paths per batch; each batch draws its own noise maps, shared by its images (as NVLabs' do).
    public static let batchSize = 8

    public let lpips: LPIPS
    public let space: Space
    public let sampling: Sampling
    /// NVLabs' face crop (rows 3/8..7/8, columns 2/8..6/8), on for `ppl_*`, off for `ppl2_wend`.
    public let crop: Bool
    /// The step along the path.
    public let epsilon: Float

    public init(lpips: LPIPS, space: Space = .w, sampling: Sampling = .end, crop: Bool = true, epsilon: Float = defaultEpsilon) {
        self.lpips = lpips
        self.space = space
        self.sampling = sampling
        self.crop = crop
        self.epsilon = epsilon
    }

    /// The metric and the counts behind it.
    public struct Result: Sendable {
        /// Mean of the distances within [low, high].
        public let value: Double
        /// numpy's 1st percentile (method "lower") and 99th ("higher") of the distances.
        public let low: Double
        public let high: Double
        /// Paths measured.
        public let count: Int
    }

    /// `count` paths from `seed`'s stream; a conditional generator takes each path's label from
    /// `labelData` at a random index. `progress` gets paths done.
    public func evaluate(_ generator: Generator, count: Int, seed: UInt32 = 0, labelData: (any TrainingImages)? = nil,
                         progress: (Int) -> Void = { _ in }) -> Result {
        precondition(count >= 1, "PPL needs at least one path")
        precondition(generator.config.cDim == 0 || labelData?.labelDimension == generator.config.cDim,
                     "a conditional generator's paths need labels: MetricFakes.check first")
        var random = NumpyRandomState(seed: seed)
        let noiseNames = generator.parameters.names.filter { $0.hasSuffix(".noise_const") }
        var distances: [Double] = []
        while distances.count < count {
            let b = Self.batchSize
            // The order NVLabs draws in: t, then both z, then every noise map.
            let t = random.uniformTensor([b]).scalars.map { sampling == .full ? $0 : 0 }
            let z = random.normalTensor([2 * b, generator.config.zDim])
            var noise: [String: Tensor] = [:]
            for name in noiseNames { noise[name] = random.normalTensor(generator.parameters[name].shape) }
            var labels: Tensor?
            if let labelData, generator.config.cDim > 0 { labels = labelData.labels((0..<b).map { _ in random.randint(0..<labelData.count) }) }
            distances += self.distances(generator, z0: z.slice(axis: 0, 0..<b), z1: z.slice(axis: 0, b..<(2 * b)),
                                        t: t, noise: noise, labels: labels)
            progress(min(distances.count, count))
        }
        return Self.trimmedMean(Array(distances.prefix(count)))
    }

    /// The distances of one batch of paths from its randomness: endpoints `z0`, `z1` [B, zDim], the
    /// points `t` on the paths, the noise maps by buffer name (every `.noise_const` of the
    /// generator), labels [B, cDim] for a conditional generator.
    public func distances(_ generator: Generator, z0: Tensor, z1: Tensor, t: [Float], noise: [String: Tensor],
                          labels: Tensor?) -> [Double] {
        withoutGradients {
            let b = t.count
            precondition(z0.shape == [b, generator.config.zDim] && z1.shape == z0.shape, "z0, z1 must be [\(b), zDim]")
            let ends = Tensor.concatenate([z0, z1], axis: 0), both = labels.map { Tensor.concatenate([$0, $0], axis: 0) }
            let ws: Tensor
            switch space {
            case .w:
                let w = generator.mapping(z: ends, c: both)
                let (w0, w1) = (w.slice(axis: 0, 0..<b), w.slice(axis: 0, b..<(2 * b)))
                ws = Tensor.concatenate([Self.lerp(w0, w1, t), Self.lerp(w0, w1, t.map { $0 + epsilon })], axis: 0)
            case .z:
                let zt = Tensor.concatenate([Self.slerp(z0, z1, t), Self.slerp(z0, z1, t.map { $0 + epsilon })], axis: 0)
                ws = generator.mapping(z: zt, c: both)
            }
            var noisy = generator
            for (name, map) in noise { noisy.parameters.update(name, to: map) }
            let images = preprocessed(noisy.synthesis(ws: ws, noise: .const))
            let d = lpips.distance(images.slice(axis: 0, 0..<b), images.slice(axis: 0, b..<(2 * b)))
            let scale = 1 / (Double(epsilon) * Double(epsilon))
            return d.scalars.map { Double($0) * scale }
        }
    }

    /// The crop, the box downsample to 256 px and grey to RGB, as NVLabs' sampler does them.
    func preprocessed(_ images: Tensor) -> Tensor {
        var x = images
        if crop {
            precondition(x.shape[2] == x.shape[3], "the face crop needs square images")
            let c = x.shape[2] / 8
            x = x.slice(axis: 2, (3 * c)..<(7 * c)).slice(axis: 3, (2 * c)..<(6 * c))
        }
        let factor = images.shape[2] / 256
        if factor > 1 { x = x.avgPool2d(kernel: factor) }
        if x.shape[1] == 1 { x = x.expanded(to: [x.shape[0], 3, x.shape[2], x.shape[3]]) }
        return x.contiguous()
    }

    /// torch.lerp(a, b, t) per row of [B, ...] tensors, with torch's two-sided formula.
    static func lerp(_ a: Tensor, _ b: Tensor, _ t: [Float]) -> Tensor {
        let (a, b) = (a.contiguous(), b.contiguous())
        let row = a.count / t.count
        let (x, y) = (a.scalars, b.scalars)
        var out = [Float](repeating: 0, count: x.count)
        for i in out.indices {
            let w = t[i / row]
            out[i] = Swift.abs(w) < 0.5 ? x[i] + w * (y[i] - x[i]) : y[i] - (y[i] - x[i]) * (1 - w)
        }
        return Tensor(shape: a.shape, scalars: out)
    }

    /// NVLabs' slerp of rows [B, D]: both ends to the unit sphere, then the great circle at t.
    static func slerp(_ a: Tensor, _ b: Tensor, _ t: [Float]) -> Tensor {
        let d = a.shape[1]
        let (x, y) = (a.contiguous().scalars, b.contiguous().scalars)
        var out = [Float](repeating: 0, count: x.count)
        func unit(_ v: ArraySlice<Float>) -> [Float] {
            let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        for r in 0..<t.count {
            let p = unit(x[(r * d)..<((r + 1) * d)]), q = unit(y[(r * d)..<((r + 1) * d)])
            let cosine = zip(p, q).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            let angle = t[r] * Foundation.acos(cosine)
            let c = unit(ArraySlice(zip(p, q).map { $1 - cosine * $0 }))
            let point = unit(ArraySlice(zip(p, c).map { $0 * Foundation.cos(angle) + $1 * Foundation.sin(angle) }))
            out.replaceSubrange((r * d)..<((r + 1) * d), with: point)
        }
        return Tensor(shape: a.shape, scalars: out)
    }

    /// The mean of `distances` within numpy's percentile(1, "lower") and percentile(99, "higher").
    public static func trimmedMean(_ distances: [Double]) -> Result {
        let sorted = distances.sorted(), last = Double(sorted.count - 1)
        let low = sorted[Int((0.01 * last).rounded(.down))], high = sorted[Int((0.99 * last).rounded(.up))]
        let kept = distances.filter { $0 >= low && $0 <= high }
        return Result(value: kept.reduce(0, +) / Double(kept.count), low: low, high: high, count: distances.count)
    }
}
