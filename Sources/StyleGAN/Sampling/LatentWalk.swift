import Foundation
import ToonCore

/// A smooth walk through latent space visiting keyframe seeds, for interpolation videos.
///
/// In W (the default) the path is a Catmull-Rom spline through the keyframes' ws: it passes through
/// every keyframe with a continuous velocity, so motion does not jerk at keyframes. In Z the path is
/// spherical interpolation between consecutive keyframes (z is Gaussian: straight lines would pass
/// through unlikely, low-norm latents), mapped to W frame by frame.
public struct LatentWalk {
    public enum Space: String, Sendable, CaseIterable { case z, w }

    public let generator: Generator
    public let space: Space
    public let looping: Bool
    public let options: SamplingOptions
    /// Keyframes per cell (cells in row-major grid order): ws [keys, numWs, wDim] in W, z [keys, zDim] in Z.
    private let keyframes: [Tensor]
    private let labels: Tensor?

    /// Splits `seeds` into `cellCount` walks of consecutive seeds (NVLabs gen_video's grid layout).
    public init(generator: Generator, seeds: [UInt32], cellCount: Int = 1, space: Space = .w,
                looping: Bool = false, options: SamplingOptions) throws {
        guard cellCount >= 1, seeds.count % cellCount == 0 else {
            throw StyleGANError.latentWalk(.seedsNotDivisible(seeds.count, cellCount))
        }
        let perCell = seeds.count / cellCount
        guard perCell >= 2 || (looping && perCell >= 1) else { throw StyleGANError.latentWalk(.tooFewKeyframes) }
        self.generator = generator
        self.space = space
        self.looping = looping
        self.options = options
        labels = try Latents.classLabels(options.classIndex, count: 1, cDim: generator.config.cDim)
        keyframes = try (0..<cellCount).map { cell in
            let cellSeeds = Array(seeds[(cell * perCell)..<((cell + 1) * perCell)])
            return space == .w ? try generator.ws(seeds: cellSeeds, options: options)
                               : Latents.z(seeds: cellSeeds, zDim: generator.config.zDim)
        }
    }

    public var cellCount: Int { keyframes.count }

    /// ws of every cell at `frame` of `frameCount`: [cells, numWs, wDim].
    public func ws(frame: Int, of frameCount: Int) -> Tensor {
        let keyCount = keyframes[0].shape[0]
        let segments = looping ? keyCount : keyCount - 1
        let last = looping ? frameCount : max(frameCount - 1, 1)
        let t = Double(frame) / Double(last) * Double(segments)
        let segment = min(Int(t), segments - 1), local = Float(t - Double(segment))
        let index = { (k: Int) -> Int in
            self.looping ? ((k % keyCount) + keyCount) % keyCount : min(max(k, 0), keyCount - 1)
        }
        let key = { (cell: Tensor, k: Int) in cell.slice(axis: 0, index(k)..<(index(k) + 1)) }
        let perCell = keyframes.map { cell -> Tensor in
            switch space {
            case .w:
                let p = (segment - 1...segment + 2).map { key(cell, $0) }
                return catmullRom(p, local)
            case .z:
                let zt = slerp(key(cell, segment), key(cell, segment + 1), local)
                return withoutGradients { generator.mapping(z: zt, c: labels, truncation: options.truncation) }
            }
        }
        return Tensor.concatenate(perCell, axis: 0)
    }

    /// Catmull-Rom through p1 -> p2 with neighbours p0, p3, at t in 0...1.
    func catmullRom(_ p: [Tensor], _ t: Float) -> Tensor {
        let t2 = t * t, t3 = t2 * t
        let c0 = -0.5 * t3 + t2 - 0.5 * t
        let c1 = 1.5 * t3 - 2.5 * t2 + 1
        let c2 = -1.5 * t3 + 2 * t2 + 0.5 * t
        let c3 = 0.5 * t3 - 0.5 * t2
        return p[0] * c0 + p[1] * c1 + p[2] * c2 + p[3] * c3
    }

    /// Spherical interpolation between two [1, zDim] latents.
    func slerp(_ a: Tensor, _ b: Tensor, _ t: Float) -> Tensor {
        let (va, vb) = (a.scalars, b.scalars)
        let na = sqrt(va.reduce(0) { $0 + $1 * $1 }), nb = sqrt(vb.reduce(0) { $0 + $1 * $1 })
        let cosine = zip(va, vb).reduce(0) { $0 + $1.0 * $1.1 } / max(na * nb, .leastNormalMagnitude)
        let omega = acos(min(max(cosine, -1), 1))
        guard omega > 1e-4 else { return a * (1 - t) + b * t }
        let s = sin(omega)
        return a * (sin((1 - t) * omega) / s) + b * (sin(t * omega) / s)
    }
}

extension StyleGANError {
    /// Why a latent walk cannot be laid out from its seeds.
    public enum LatentWalkProblem: Equatable, Sendable {
        /// The seed count and the number of grid cells.
        case seedsNotDivisible(Int, Int)
        case tooFewKeyframes

        var message: String {
            switch self {
            case .seedsNotDivisible(let n, let cells): "\(n) seeds do not split evenly into \(cells) grid cells"
            case .tooFewKeyframes: "a walk needs at least two keyframe seeds per cell (or one with --loop)"
            }
        }
    }
}
