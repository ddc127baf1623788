import ToonCore

/// Latent codes the way NVLabs' scripts make them, so a seed gives the same face.
public enum Latents {
    /// One row per seed: `numpy.random.RandomState(seed).randn(1, zDim)` as float32.
    public static func z(seeds: [UInt32], zDim: Int) -> Tensor {
        let rows = seeds.map { Tensor.randomNormal(shape: [1, zDim], seed: $0) }
        return rows.isEmpty ? Tensor.zeros([0, zDim]) : Tensor.concatenate(rows, axis: 0)
    }

    /// One-hot class labels [count, cDim] (NVLabs: `label[:, class_idx] = 1`), nil for unconditional
    /// networks. A conditional network needs a class; an unconditional one refuses one.
    public static func classLabels(_ classIndex: Int?, count: Int, cDim: Int) throws(StyleGANError) -> Tensor? {
        if cDim == 0 {
            if classIndex != nil { throw .sampling(.classNotUsed) }
            return nil
        }
        guard let classIndex else { throw .sampling(.classRequired(cDim)) }
        guard (0..<cDim).contains(classIndex) else { throw .sampling(.classOutOfRange(classIndex, cDim)) }
        var labels = Tensor.zeros([count, cDim])
        labels.withUnsafeMutableBufferPointer { p in for row in 0..<count { p[row * cDim + classIndex] = 1 } }
        return labels
    }
}

extension StyleGANError {
    /// Why latents could not be sampled for a network.
    public enum SamplingProblem: Equatable, Sendable {
        /// A conditional network without a class; its class count.
        case classRequired(Int)
        case classNotUsed
        /// The class and the network's class count.
        case classOutOfRange(Int, Int)
        case wShape([Int], expected: [Int])

        var message: String {
            switch self {
            case .classRequired(let n): "this network is conditional: choose a class with --class 0...\(n - 1)"
            case .classNotUsed: "--class given, but this network is unconditional"
            case .classOutOfRange(let c, let n): "class \(c) is out of range 0...\(n - 1)"
            case .wShape(let shape, let expected):
                "w has shape \(shape); this network takes [N, \(expected.dropFirst().map(String.init).joined(separator: ", "))]"
            }
        }
    }
}
