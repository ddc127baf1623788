import Foundation
import ToonCore
import ToonIO

/// The LPIPS perceptual distance of the `lpips` package (version 0.1, net "vgg", lpips on, spatial
/// off): each VGG16 tap normalised to unit length over channels, the squared difference weighted
/// per channel by the learned linear layer, averaged over the tap's pixels, summed over taps.
/// Differentiable in both images.
public struct LPIPS: Sendable {
    /// The `lpips` package's ScalingLayer: images in [-1, 1] become (x - shift) / scale.
    static let shift: [Float] = [-0.030, -0.088, -0.188]
    static let scale: [Float] = [0.458, 0.448, 0.450]
    /// Added to each feature vector's length before dividing (`lpips.normalize_tensor`).
    static let normEpsilon: Float = 1e-10

    public let network: VGG16Features
    /// Per tap, the channel weights [1, C, 1, 1] of the linear layer.
    let linear: [Tensor]

    /// `network` with the linear layers from the `lpips` package's weight file state dict
    /// (`lin0.model.1.weight` ... `lin4.model.1.weight`); `source` names it in errors.
    public init(network: VGG16Features, linearStateDict: TensorSet, source: String) throws(MetricsError) {
        func fail(_ why: String) -> MetricsError { MetricsError(file: source, .lpipsWeights(why)) }
        var linear: [Tensor] = []
        for (tap, channels) in VGG16Features.tapChannels.enumerated() {
            let name = "lin\(tap).model.1.weight"
            guard let t = linearStateDict[name] else { throw fail("no tensor \(name)") }
            guard t.shape == [1, channels, 1, 1] else { throw fail("tensor \(name) has shape \(t.shape), expected [1, \(channels), 1, 1]") }
            if let bad = t.scalars.firstIndex(where: { !$0.isFinite }) { throw fail("tensor \(name) has \(t.scalars[bad]) at \(bad)") }
            linear.append(t)
        }
        let expected = Set((0..<linear.count).map { "lin\($0).model.1.weight" })
        if let extra = linearStateDict.names.first(where: { !expected.contains($0) }) {
            throw fail("unexpected tensor \(extra) (the lpips VGG file has lin0 ... lin4 only)")
        }
        self.network = network
        self.linear = linear
    }

    /// Reads torchvision's VGG16 file and the `lpips` package's `weights/v0.1/vgg.pth`.
    public static func load(vgg16 vggURL: URL, linear linearURL: URL) throws(MetricsError) -> LPIPS {
        let network = try VGG16Features.load(from: vggURL)
        let linear: TensorSet
        do { linear = try TorchStateDict.load(from: linearURL) } catch { throw MetricsError(file: linearURL.path, .underlying(error.description)) }
        return try LPIPS(network: network, linearStateDict: linear, source: linearURL.path)
    }

    /// The distance [N] between image batches `a` and `b` [N, 3, H, W] with values in [-1, 1].
    public func distance(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "LPIPS compares batches of one shape, not \(a.shape) and \(b.shape)")
        let n = a.shape[0]
        let both = features(Tensor.concatenate([a, b], axis: 0))
        return distance(both.map { $0.slice(axis: 0, 0..<n) }, both.map { $0.slice(axis: 0, n..<(2 * n)) })
    }

    /// Each tap of images [N, 3, H, W] in [-1, 1], scaled to unit length over channels: what the
    /// distance compares. A fixed target's features can be computed once (projection does).
    public func features(_ images: Tensor) -> [Tensor] {
        network.taps(Self.scaled(images)).map(Self.unitLength)
    }

    /// The distance [N] between two images' `features`.
    public func distance(_ a: [Tensor], _ b: [Tensor]) -> Tensor {
        precondition(a.count == linear.count && b.count == linear.count, "LPIPS compares \(linear.count) taps")
        var total: Tensor?
        for tap in 0..<linear.count {
            let weighted = a[tap].weightedSquaredDistance(b[tap], weights: linear[tap].reshaped([linear[tap].count]))
            total = total.map { $0 + weighted } ?? weighted
        }
        return total!
    }

    /// The ScalingLayer.
    static func scaled(_ x: Tensor) -> Tensor {
        (x - Tensor(shape: [1, 3, 1, 1], scalars: shift)) / Tensor(shape: [1, 3, 1, 1], scalars: scale)
    }

    /// x / (|x| over channels + epsilon).
    static func unitLength(_ x: Tensor) -> Tensor {
        x.unitLengthOverChannels(epsilon: normEpsilon)
    }
}
