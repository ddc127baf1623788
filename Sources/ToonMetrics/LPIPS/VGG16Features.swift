import Foundation
import ToonCore
import ToonIO

/// torchvision's VGG16 convolution stack (`vgg16().features` up to relu5_3), the backbone of
/// LPIPS-VGG. Differentiable: projection descends through it.
public struct VGG16Features: Sendable {
    /// The thirteen 3x3 convolutions: state-dict index in `features`, input and output channels.
    package static let layers: [(index: Int, input: Int, output: Int)] = [
        (0, 3, 64), (2, 64, 64),
        (5, 64, 128), (7, 128, 128),
        (10, 128, 256), (12, 256, 256), (14, 256, 256),
        (17, 256, 512), (19, 512, 512), (21, 512, 512),
        (24, 512, 512), (26, 512, 512), (28, 512, 512),
    ]
    /// How many convolutions each of LPIPS' five slices runs; a 2x2 max pool opens every slice but
    /// the first. Each slice ends at a tap: relu1_2, relu2_2, relu3_3, relu4_3, relu5_3.
    static let convolutionsPerSlice = [2, 2, 3, 3, 3]
    /// Channels at each tap.
    public static let tapChannels = [64, 128, 256, 512, 512]

    let weights: [Tensor]
    let biases: [Tensor]

    /// The network from a state dict under torchvision's names (`features.0.weight`, `.bias`, ...);
    /// the classifier (`classifier.*`) is not used. A missing or misshapen tensor, or any other
    /// name, is an error naming it; `source` names the file in errors.
    public init(stateDict: TensorSet, source: String) throws(MetricsError) {
        func fail(_ why: String) -> MetricsError { MetricsError(file: source, .vggWeights(why)) }
        var weights: [Tensor] = [], biases: [Tensor] = [], used: Set<String> = []
        for layer in Self.layers {
            for (suffix, shape) in [("weight", [layer.output, layer.input, 3, 3]), ("bias", [layer.output])] {
                let name = "features.\(layer.index).\(suffix)"
                guard let t = stateDict[name] else { throw fail("no tensor \(name)") }
                guard t.shape == shape else { throw fail("tensor \(name) has shape \(t.shape), expected \(shape)") }
                if let bad = t.scalars.firstIndex(where: { !$0.isFinite }) { throw fail("tensor \(name) has \(t.scalars[bad]) at \(bad)") }
                if suffix == "weight" { weights.append(t) } else { biases.append(t) }
                used.insert(name)
            }
        }
        if let extra = stateDict.names.first(where: { !used.contains($0) && !$0.hasPrefix("classifier.") }) {
            throw fail("unexpected tensor \(extra) (torchvision's VGG16 has features.* and classifier.* only)")
        }
        self.weights = weights
        self.biases = biases
    }

    /// The five taps of `x` [N, 3, H, W] (already scaled as the network expects), H and W at least 16.
    public func taps(_ x: Tensor) -> [Tensor] {
        precondition(x.rank == 4 && x.shape[1] == 3, "VGG16 takes [N, 3, H, W] images, not \(x.shape)")
        precondition(x.shape[2] >= 16 && x.shape[3] >= 16, "VGG16 needs images of 16x16 pixels or more, not \(x.shape)")
        var h = x, layer = 0, taps: [Tensor] = []
        for (slice, count) in Self.convolutionsPerSlice.enumerated() {
            if slice > 0 { h = h.maxPool2d(kernel: 2) }
            for _ in 0..<count {
                h = convolveReLU(h, layer)
                layer += 1
            }
            taps.append(h)
        }
        return taps
    }

    /// relu(conv3x3(x) + bias) in one fused pass; recorded as one op when `x` records (the weights
    /// are constants).
    private func convolveReLU(_ x: Tensor, _ layer: Int) -> Tensor {
        x.scaledConv2d(weights[layer], padding: 1, inputScale: nil, outputScale: nil, noise: nil,
                       epilogue: ConvEpilogue(bias: biases[layer], activation: .relu, gain: 1))
    }

    /// Reads torchvision's weight file (`vgg16-397923af.pth`, a torch.save state dict).
    public static func load(from url: URL) throws(MetricsError) -> VGG16Features {
        let stateDict: TensorSet
        do { stateDict = try TorchStateDict.load(from: url) } catch { throw MetricsError(file: url.path, .underlying(error.description)) }
        return try VGG16Features(stateDict: stateDict, source: url.path)
    }
}
