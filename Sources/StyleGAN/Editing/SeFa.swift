import ToonCore

/// Directions in w space, one unit vector per row, with the ws (layers) they were found for and
/// edit: SeFa's result, or rows read from a file.
public struct LatentDirections: Sendable {
    /// [count, wDim], one direction per row, most important first.
    public let vectors: Tensor
    /// Each row's eigenvalue (SeFa); empty for directions from a file.
    public let eigenvalues: [Double]
    /// The ws these directions were computed from, and which an edit moves.
    public let layers: [Int]

    public init(vectors: Tensor, eigenvalues: [Double] = [], layers: [Int]) {
        precondition(vectors.rank == 2, "directions are [count, wDim], got \(vectors.shape)")
        self.vectors = vectors
        self.eigenvalues = eigenvalues
        self.layers = layers
    }

    public var count: Int { vectors.shape[0] }

    /// Direction `k` as [wDim].
    public func direction(_ k: Int) -> Tensor {
        precondition((0..<count).contains(k), "direction \(k) of \(count)")
        return vectors.slice(axis: 0, k..<(k + 1)).reshaped([vectors.shape[1]])
    }

    /// The first `count` rows.
    public func prefix(_ count: Int) -> LatentDirections {
        let n = min(max(count, 0), self.count)
        return LatentDirections(vectors: vectors.slice(axis: 0, 0..<n),
                                eigenvalues: Array(eigenvalues.prefix(n)), layers: layers)
    }
}

/// Closed-form factorization of latent semantics (SeFa; Shen & Zhou, CVPR 2021): the directions
/// n that change the styles of the chosen layers most, max ‖A n‖ over unit n, are the
/// eigenvectors of AᵀA with the largest eigenvalues, where A stacks the layers' style affine
/// weights (each [channels, wDim]).
///
/// As the official code (genforce/sefa `factorize_weight`) does, every row of A (one style
/// channel) is scaled to unit length first. So the equalized-learning-rate gain (lr_mul/√wDim),
/// the learning-rate multiplier folded into stored weights, and toRGB's extra 1/√channels, all
/// constants per layer, change nothing; a layer weighs in by its channel count, each channel
/// equally. Unlike genforce, which takes one affine per w (the conv reading it; the last toRGB
/// for the last w), every affine that reads a chosen w is used, the toRGBs included: they move
/// with that w as well.
public enum SeFa {
    /// The style affine parameters (`synthesis.b8.conv0.affine.weight`, ...) that read the ws in
    /// `layers`, in synthesis order.
    public static func affineWeightNames(_ config: GeneratorConfig, layers: [Int]) -> [String] {
        let chosen = Set(layers)
        if let settings = config.styleGAN1 {
            // StyleGAN (v1): layer i's style affine (AdaIN scales and shifts) reads w i.
            return StyleSynthesis(config, settings).blocks.flatMap(\.layers).filter { chosen.contains($0.index) }
                .map { "\($0.name).style.weight" }
        }
        if let aliasFree = config.aliasFree {
            // StyleGAN3: the input's affine (rotation and translation) reads w 0, layer i reads w i + 1.
            let layers = AliasFreeLayout(config, aliasFree).layers.filter { chosen.contains($0.index + 1) }
            return (chosen.contains(0) ? ["synthesis.input.affine.weight"] : []) + layers.map { "synthesis.\($0.name).affine.weight" }
        }
        return SynthesisNetwork(config).styleAffines.filter { chosen.contains($0.wIndex) }.map { "\($0.name).weight" }
    }

    /// Every direction (wDim of them) for the ws `layers`, most important first. Each is a unit
    /// vector; its sign is arbitrary, as for any eigenvector.
    public static func directions(_ generator: Generator, layers: [Int]) throws(StyleGANError) -> LatentDirections {
        let numWs = generator.numWs
        guard !layers.isEmpty else { throw .editing(.noLayers) }
        if let bad = layers.first(where: { !(0..<numWs).contains($0) }) { throw .editing(.layerOutOfRange(bad, numWs: numWs)) }
        let layers = Array(Set(layers)).sorted()
        let weights = affineWeightNames(generator.config, layers: layers).map { generator.parameters[$0] }
        let wDim = generator.config.wDim
        let gram = normalizedGram(weights, wDim: wDim)
        let eigen = SymmetricEigen(symmetric: gram, size: wDim)
        let vectors = Tensor(shape: [wDim, wDim], scalars: eigen.vectors.map { Float($0) })
        return LatentDirections(vectors: vectors, eigenvalues: eigen.values, layers: layers)
    }

    /// AᵀA in Double, A being the rows of every weight ([rows, wDim]) scaled to unit length. A row
    /// of zeros (a channel that reads no w) adds nothing.
    static func normalizedGram(_ weights: [Tensor], wDim: Int) -> [Double] {
        var gram = [Double](repeating: 0, count: wDim * wDim)
        var row = [Double](repeating: 0, count: wDim)
        gram.withUnsafeMutableBufferPointer { g in
            row.withUnsafeMutableBufferPointer { r in
                for weight in weights {
                    precondition(weight.rank == 2 && weight.shape[1] == wDim, "affine weight \(weight.shape), expected [C, \(wDim)]")
                    let w = weight
                    w.withUnsafeBufferPointer { values in
                        for c in 0..<w.shape[0] {
                            var norm = 0.0
                            for j in 0..<wDim { r[j] = Double(values[c * wDim + j]); norm += r[j] * r[j] }
                            guard norm > 0, norm.isFinite else { continue }
                            let scale = 1 / norm
                            // Upper triangle only; mirrored below.
                            for i in 0..<wDim {
                                let ri = r[i] * scale
                                if ri == 0 { continue }
                                let base = i * wDim
                                for j in i..<wDim { g[base + j] += ri * r[j] }
                            }
                        }
                    }
                }
                for i in 0..<wDim { for j in 0..<i { g[i * wDim + j] = g[j * wDim + i] } }
            }
        }
        return gram
    }
}

/// Moving ws along a direction: w' = w + strength · direction on the chosen ws only (SeFa edits
/// the layers its direction came from and leaves the others).
public enum LatentEdit {
    /// ws: [N, numWs, wDim]; direction: [wDim]. The ws outside `layers` are returned bit for bit,
    /// and strength 0 returns every w unchanged.
    public static func apply(_ ws: Tensor, direction: Tensor, strength: Float, layers: [Int]) -> Tensor {
        precondition(ws.rank == 3 && direction.count == ws.shape[2], "edit of ws \(ws.shape) along \(direction.shape)")
        let numWs = ws.shape[1], wDim = ws.shape[2]
        var delta = Tensor.zeros([1, numWs, wDim])
        let d = direction
        delta.withUnsafeMutableBufferPointer { out in
            d.withUnsafeBufferPointer { dir in
                for layer in Set(layers) where (0..<numWs).contains(layer) {
                    for j in 0..<wDim { out[layer * wDim + j] = strength * dir[j] }
                }
            }
        }
        return ws + delta
    }

    /// One edited copy of a single w+ ([1, numWs, wDim] or [numWs, wDim]) per strength:
    /// [strengths.count, numWs, wDim].
    public static func strip(_ ws: Tensor, direction: Tensor, strengths: [Float], layers: [Int]) -> Tensor {
        let one = ws.rank == 2 ? ws.reshaped([1] + ws.shape) : ws
        precondition(one.rank == 3 && one.shape[0] == 1, "a strip edits one w+, got \(ws.shape)")
        return Tensor.concatenate(strengths.map { apply(one, direction: direction, strength: $0, layers: layers) }, axis: 0)
    }
}

extension StyleGANError {
    public static func editing(_ problem: EditingProblem) -> StyleGANError {
        StyleGANError(file: nil, .editing(problem))
    }

    /// Why latent directions could not be found or used.
    public enum EditingProblem: Equatable, Sendable {
        case noLayers
        /// The layer and the network's number of ws.
        case layerOutOfRange(Int, numWs: Int)
        /// The text given and what is wrong with it.
        case badDirection(String, String)
        case badLayers(String, String)
        case badStrengths(String, String)
        /// A directions file that cannot be used (the error's file names it).
        case directionFile(String)
        /// Latents and labels from which no attribute direction can be fitted, and why.
        case attributeFit(String)

        var message: String {
            switch self {
            case .noLayers: "no layers to find directions for"
            case .layerOutOfRange(let layer, let numWs): "layer \(layer) does not exist; this network has ws 0-\(numWs - 1)"
            case .badDirection(let text, let why): "invalid direction '\(text)': \(why)"
            case .badLayers(let text, let why): "invalid layers '\(text)': \(why)"
            case .badStrengths(let text, let why): "invalid strengths '\(text)': \(why)"
            case .directionFile(let why): why
            case .attributeFit(let why): why
            }
        }
    }
}
