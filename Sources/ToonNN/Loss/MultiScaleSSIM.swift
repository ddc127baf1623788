import Foundation
import ToonCore

/// Multi-scale structural similarity (Wang, Simoncelli and Bovik 2003) on image tensors,
/// differentiable, for losses: an 11-tap Gaussian window (sigma 1.5) applied without padding,
/// K1 0.01, K2 0.03, population statistics, and the five-scale weights of the paper with a 2x
/// average pool between scales (odd sides padded, as pytorch_msssim does). Images too small for
/// five scales use as many as fit, their weights rescaled to sum to 1. Contrast-structure terms are
/// floored at 1e-6 before the weighted geometric mean, so the gradient stays finite.
public struct MultiScaleSSIM: Sendable {
    /// The five scales' exponents, finest first.
    public static let paperWeights: [Double] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    public static let windowSize = 11
    public static let sigma = 1.5

    /// The span of pixel values (2 for images in [-1, 1], 255 for 8-bit codes).
    public let dataRange: Float
    /// Scales used for images of the given smaller side.
    public static func scales(forSide side: Int) -> Int {
        var count = 0, s = side
        while count < paperWeights.count && s >= windowSize { count += 1; s = (s + 1) / 2 }
        return count
    }

    public init(dataRange: Float) {
        self.dataRange = dataRange
    }

    /// MS-SSIM [N] of image batches [N, C, H, W], averaged over channels: 1 for identical images.
    public func callAsFunction(_ x: Tensor, _ y: Tensor) -> Tensor {
        precondition(x.shape == y.shape && x.rank == 4, "MS-SSIM compares batches of one NCHW shape, not \(x.shape) and \(y.shape)")
        let count = Self.scales(forSide: min(x.shape[2], x.shape[3]))
        precondition(count >= 1, "MS-SSIM needs images of \(Self.windowSize) pixels or more a side, not \(x.shape)")
        let weights = Array(Self.paperWeights.prefix(count)), total = weights.reduce(0, +)
        var (a, b) = (x, y)
        var result: Tensor?
        for scale in 0..<count {
            let (similarity, contrastStructure) = terms(a, b)
            let term = scale == count - 1 ? similarity : contrastStructure
            let factor = term.clamped(to: 1e-6...Float.greatestFiniteMagnitude).pow(Float(weights[scale] / total))
            result = result.map { $0 * factor } ?? factor
            if scale < count - 1 {
                let pad = [(0, 0), (0, 0), (0, a.shape[2] % 2), (0, a.shape[3] % 2)]
                (a, b) = (a.padded(pad, value: 0).avgPool2d(kernel: 2), b.padded(pad, value: 0).avgPool2d(kernel: 2))
            }
        }
        return result!.mean(axes: [1])
    }

    /// Per image and channel [N, C]: the mean SSIM and the mean contrast-structure term.
    func terms(_ x: Tensor, _ y: Tensor) -> (Tensor, Tensor) {
        let c1 = (0.01 * dataRange) * (0.01 * dataRange), c2 = (0.03 * dataRange) * (0.03 * dataRange)
        let mx = blurred(x), my = blurred(y)
        let sxx = blurred(x * x) - mx * mx, syy = blurred(y * y) - my * my, sxy = blurred(x * y) - mx * my
        let contrastStructure = (sxy * 2 + c2) / (sxx + syy + c2)
        let luminance = (mx * my * 2 + c1) / (mx * mx + my * my + c1)
        return ((luminance * contrastStructure).mean(axes: [2, 3]), contrastStructure.mean(axes: [2, 3]))
    }

    /// The Gaussian window applied to each channel without padding (separable: rows, then columns).
    func blurred(_ x: Tensor) -> Tensor {
        let c = x.shape[1], taps = Self.window
        let rows = Tensor(shape: [c, 1, 1, taps.count], scalars: Array((0..<c).map { _ in taps }.joined()))
        let columns = Tensor(shape: [c, 1, taps.count, 1], scalars: Array((0..<c).map { _ in taps }.joined()))
        return x.conv2d(rows, stride: 1, padding: 0, groups: c).conv2d(columns, stride: 1, padding: 0, groups: c)
    }

    /// The normalised 1-D Gaussian, computed in double precision.
    static let window: [Float] = {
        let half = Double(windowSize / 2)
        let raw = (0..<windowSize).map { exp(-pow(Double($0) - half, 2) / (2 * sigma * sigma)) }
        let sum = raw.reduce(0, +)
        return raw.map { Float($0 / sum) }
    }()
}
