import Foundation
import ToonCore
import ToonIO

/// A convolution with its BatchNorm folded in: relu(conv(x, weight) + bias) equals torchvision's
/// BasicConv2d in eval mode, whose BN is (y - mean) * gamma / sqrt(var + 0.001) + beta.
struct FoldedConv: Sendable {
    let spec: InceptionConvSpec
    let weight: Tensor
    let bias: Tensor

    static let batchNormEpsilon = 0.001

    /// Folds in Double and rounds once to Float32, so the fold adds one rounding per weight.
    init(spec: InceptionConvSpec, weight: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor) {
        let (w, g, b, m, v) = (weight.scalars, gamma.scalars, beta.scalars, mean.scalars, variance.scalars)
        let perOutput = w.count / spec.output
        var folded = [Float](repeating: 0, count: w.count), shift = [Float](repeating: 0, count: spec.output)
        for o in 0..<spec.output {
            let scale = Double(g[o]) / (Double(v[o]) + Self.batchNormEpsilon).squareRoot()
            for i in 0..<perOutput { folded[o * perOutput + i] = Float(Double(w[o * perOutput + i]) * scale) }
            shift[o] = Float(Double(b[o]) - Double(m[o]) * scale)
        }
        self.spec = spec
        self.weight = Tensor(shape: spec.weightShape, scalars: folded)
        self.bias = Tensor(shape: [spec.output], scalars: shift)
    }
}

extension FIDInception {
    /// The network from a state dict under pytorch-fid's names (`Mixed_6b.branch7x7_2.conv.weight`,
    /// `.bn.weight`, `.bn.bias`, `.bn.running_mean`, `.bn.running_var`). The classifier (`fc.*`) and
    /// BatchNorm's `num_batches_tracked` are not used; any other name, a missing tensor or a wrong
    /// shape is an error naming it. `source` names the file in errors.
    public init(stateDict: TensorSet, source: String) throws(MetricsError) {
        func fail(_ why: String) -> MetricsError { MetricsError(file: source, .inceptionWeights(why)) }
        func tensor(_ name: String, _ shape: [Int]) throws(MetricsError) -> Tensor {
            guard let t = stateDict[name] else { throw fail("no tensor \(name)") }
            guard t.shape == shape else { throw fail("tensor \(name) has shape \(t.shape), expected \(shape)") }
            return t
        }
        var used: Set<String> = []
        var convs: [String: FoldedConv] = [:]
        for spec in InceptionLayout.convolutions {
            let names = Self.tensorSuffixes.map { "\(spec.name).\($0)" }
            let weight = try tensor(names[0], spec.weightShape)
            let gamma = try tensor(names[1], [spec.output]), beta = try tensor(names[2], [spec.output])
            let mean = try tensor(names[3], [spec.output]), variance = try tensor(names[4], [spec.output])
            if let bad = variance.scalars.firstIndex(where: { !(Double($0) + FoldedConv.batchNormEpsilon > 0) }) {
                throw fail("tensor \(names[4]) has \(variance.scalars[bad]) at \(bad), not a variance")
            }
            used.formUnion(names)
            used.insert("\(spec.name).bn.num_batches_tracked")
            convs[spec.name] = FoldedConv(spec: spec, weight: weight, gamma: gamma, beta: beta, mean: mean, variance: variance)
        }
        if let extra = stateDict.names.first(where: { !used.contains($0) && !$0.hasPrefix("fc.") }) {
            throw fail("unexpected tensor \(extra) (pytorch-fid's file has the FID Inception's convolutions and fc only)")
        }
        self.init(convolutions: convs)
    }

    /// Each convolution's tensors after its name: its weight, then BatchNorm's weight, bias, running
    /// mean and running variance.
    static let tensorSuffixes = ["conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"]

    /// The tensors the network reads, by state-dict name, with their shapes (`tensorSuffixes` order).
    public static var stateDictShapes: [(name: String, shape: [Int])] {
        InceptionLayout.convolutions.flatMap { spec in
            tensorSuffixes.enumerated().map { i, suffix in ("\(spec.name).\(suffix)", i == 0 ? spec.weightShape : [spec.output]) }
        }
    }

    /// Reads pytorch-fid's weight file (`pt_inception-2015-12-05-6726825d.pth`, a torch.save state dict).
    public static func load(from url: URL) throws(MetricsError) -> FIDInception {
        let stateDict: TensorSet
        do { stateDict = try TorchStateDict.load(from: url) } catch { throw MetricsError(file: url.path, .underlying(error.description)) }
        return try FIDInception(stateDict: stateDict, source: url.path)
    }
}
