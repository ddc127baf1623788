import Datasets
import Foundation
import StyleGAN
import ToonCore
import ToonIO

/// A teacher for a stylizer: a base (photo) generator and its blend with a cartoon fine-tune draw the
/// same latent, giving an aligned real/cartoon pair. Latents are truncated and style-mixed for variety;
/// both images of a pair get the same camera jitter; the real one alone gets `RealDegradation`.
/// Pair `index` depends only on the settings and `index`, never on threads or the order of calls.
public struct TeacherPairs: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Truncation of the latents toward w_avg (1: none).
        public var truncationPsi: Float = 0.7
        /// Chance that a pair's latent mixes two seeds' styles at a random layer.
        public var mixingProbability: Double = 0.5
        /// Degrees of toonification the pairs cycle through (pair i takes degrees[i % count]).
        public var degrees: [Double] = [1]
        /// Pair i draws from seed + i.
        public var seed: UInt32 = 0
        /// Output side; nil for the networks' resolution (a smaller side is a Lanczos resize).
        public var resolution: Int?
        public var jitter = CameraMotion(rotation: 4, shift: 0.03, zoom: 0.06)
        public var degradation = RealDegradation()

        public init() {}
    }

    public let base: Generator
    public let settings: Settings
    /// The blended generator of each degree in `settings.degrees`.
    let cartoonists: [Generator]

    /// The blend rule (`blend.degree` is replaced by each of `settings.degrees`) must suit the pair:
    /// the same architecture, a swap resolution the networks have.
    public init(base: Generator, styled: Generator, blend: Blend.Settings, settings: Settings) throws {
        precondition(!settings.degrees.isEmpty, "teacher pairs need at least one degree")
        self.base = base
        self.settings = settings
        cartoonists = try settings.degrees.map { degree in
            var rule = blend
            rule.degree = degree
            return try Blend.generator(base: base, styled: styled, settings: rule)
        }
    }

    /// Pair `index`.
    public func pair(_ index: Int) throws(ToonIOError) -> ImagePair {
        var random = Self.stream(seed: settings.seed, index: index)
        let seed = settings.seed &+ UInt32(truncatingIfNeeded: index)
        let ws = latent(seed: seed, &random)
        let slot = index % cartoonists.count
        let images = withoutGradients {
            Tensor.concatenate([base.synthesis(ws: ws, noise: .const), cartoonists[slot].synthesis(ws: ws, noise: .const)], axis: 0)
        }
        return try Self.finish(images, degree: settings.degrees[slot], settings: settings, &random)
    }

    /// The blend's images of `ws` [1, numWs, wDim] at each of `settings.degrees`, in that order.
    public func cartoons(_ ws: Tensor) -> [Tensor] {
        withoutGradients { cartoonists.map { $0.synthesis(ws: ws, noise: .const) } }
    }

    /// A pair from a real image and its cartoon stacked as [2, 3, R, R] in [-1, 1]: the settings'
    /// jitter on both, the resize to `settings.resolution`, the degradations on the real one.
    public static func finish(_ images: Tensor, degree: Double, settings: Settings, _ random: inout SplitMix64) throws(ToonIOError) -> ImagePair {
        var images = images
        if !settings.jitter.isNone {
            let theta = settings.jitter.theta(&random, side: images.shape[2])
            images = withoutGradients { CameraMotion.warp(images, theta: [theta, theta]) }
        }
        var real = try Image(tensor: images.slice(axis: 0, 0..<1))
        var toon = try Image(tensor: images.slice(axis: 0, 1..<2))
        if let side = settings.resolution, side != real.width {
            real = real.resized(width: side, height: side)
            toon = toon.resized(width: side, height: side)
        }
        real = try settings.degradation.apply(to: real, &random)
        return ImagePair(real: real, toon: toon, degree: Float(degree))
    }

    /// Pair `index`'s own random stream.
    public static func stream(seed: UInt32, index: Int) -> SplitMix64 {
        SplitMix64(state: UInt64(seed) &* 0x9E37_79B9 &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03 &+ 1)
    }

    /// [1, numWs, wDim]: seed's latent, truncated, and with probability `mixingProbability` its layers
    /// from a random crossover on taken from a second latent.
    func latent(seed: UInt32, _ random: inout SplitMix64) -> Tensor {
        let truncation = Truncation(psi: settings.truncationPsi)
        let first = withoutGradients { base.mapping(z: Latents.z(seeds: [seed], zDim: base.config.zDim), truncation: truncation) }
        guard Double(random.next() >> 11) / Double(1 << 53) < settings.mixingProbability else { return first }
        let other = UInt32(truncatingIfNeeded: random.next())
        let second = withoutGradients { base.mapping(z: Latents.z(seeds: [other], zDim: base.config.zDim), truncation: truncation) }
        let crossover = 1 + Int(random.next() % UInt64(max(1, base.numWs - 1)))
        return StyleMixing.mix(first, second, crossover: crossover)
    }
}
