import Foundation

/// The structural similarity index (Wang et al. 2004) as scikit-image's
/// `skimage.metrics.structural_similarity` computes it for multichannel images: local means,
/// variances and covariance under a sliding window, per channel; the SSIM map averaged over the
/// pixels whose window lies inside the image (skimage crops (window - 1) / 2 at each edge, so how the
/// filter treats edges never matters), then over channels. 1 for identical images.
public struct StructuralSimilarity: Sendable, Equatable {
    /// The sliding window's weights.
    public enum Window: Sendable, Equatable {
        /// `size` x `size`, equal weights (skimage's `uniform_filter`).
        case uniform(size: Int)
        /// A Gaussian of `sigma`, truncated at 3.5 sigma as skimage does (11 x 11 for sigma 1.5).
        case gaussian(sigma: Double)
    }

    public var window: Window
    /// Sample covariance (divide by N - 1, skimage's default) or population covariance (by N, Wang et al.).
    public var sampleCovariance: Bool
    public var k1: Double
    public var k2: Double
    /// The span of the values: 255 for 8-bit codes.
    public var dataRange: Double

    public init(window: Window, sampleCovariance: Bool, k1: Double = 0.01, k2: Double = 0.03, dataRange: Double = 255) {
        if case .uniform(let size) = window { precondition(size > 0 && size % 2 == 1, "SSIM window \(size) is not odd") }
        if case .gaussian(let sigma) = window { precondition(sigma > 0, "SSIM sigma \(sigma)") }
        self.window = window
        self.sampleCovariance = sampleCovariance
        self.k1 = k1
        self.k2 = k2
        self.dataRange = dataRange
    }

    /// skimage's defaults: 7x7 uniform window, sample covariance, K1 0.01, K2 0.03.
    public static let skimage = StructuralSimilarity(window: .uniform(size: 7), sampleCovariance: true)
    /// Wang et al.'s original: 11x11 Gaussian window of sigma 1.5, population covariance
    /// (skimage's `gaussian_weights=True, sigma=1.5, use_sample_covariance=False`).
    public static let wang = StructuralSimilarity(window: .gaussian(sigma: 1.5), sampleCovariance: false)

    /// The 1-D weights, applied along rows and then columns; they sum to 1.
    public var taps: [Double] {
        switch window {
        case .uniform(let size):
            return [Double](repeating: 1 / Double(size), count: size)
        case .gaussian(let sigma):
            // scipy.ndimage's radius for truncate = 3.5.
            let radius = Int(3.5 * sigma + 0.5)
            let raw = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
            let sum = raw.reduce(0, +)
            return raw.map { $0 / sum }
        }
    }

    /// Side of the window; images must be at least this wide and high.
    public var windowSize: Int { taps.count }

    /// The mean SSIM of two images of one shape, each side at least `windowSize`.
    public func callAsFunction(_ a: ImagePlanes, _ b: ImagePlanes) -> Double {
        precondition(a.sameShape(as: b), "SSIM of \(a.channels)x\(a.height)x\(a.width) and \(b.channels)x\(b.height)x\(b.width) planes")
        let taps = self.taps, k = taps.count
        precondition(a.width >= k && a.height >= k, "SSIM's \(k)x\(k) window does not fit \(a.width)x\(a.height)")
        let (w, h) = (a.width, a.height)
        let plane = w * h
        let count = Double(k * k)
        let covarianceScale = sampleCovariance ? count / (count - 1) : 1
        let c1 = (k1 * dataRange) * (k1 * dataRange), c2 = (k2 * dataRange) * (k2 * dataRange)
        var total = 0.0
        for channel in 0..<a.channels {
            let x = a.values[(channel * plane)..<((channel + 1) * plane)]
            let y = b.values[(channel * plane)..<((channel + 1) * plane)]
            let ux = Self.valid(Array(x), width: w, height: h, taps: taps)
            let uy = Self.valid(Array(y), width: w, height: h, taps: taps)
            let uxx = Self.valid(x.map { $0 * $0 }, width: w, height: h, taps: taps)
            let uyy = Self.valid(y.map { $0 * $0 }, width: w, height: h, taps: taps)
            let uxy = Self.valid(zip(x, y).map { $0 * $1 }, width: w, height: h, taps: taps)
            var sum = 0.0
            for i in ux.indices {
                let vx = covarianceScale * (uxx[i] - ux[i] * ux[i])
                let vy = covarianceScale * (uyy[i] - uy[i] * uy[i])
                let vxy = covarianceScale * (uxy[i] - ux[i] * uy[i])
                let numerator = (2 * ux[i] * uy[i] + c1) * (2 * vxy + c2)
                let denominator = (ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2)
                sum += numerator / denominator
            }
            total += sum / Double(ux.count)
        }
        return total / Double(a.channels)
    }

    /// The weighted window sums at every position where the window lies inside the plane:
    /// (height - k + 1) x (width - k + 1), separably (columns of each row, then rows).
    static func valid(_ plane: [Double], width: Int, height: Int, taps: [Double]) -> [Double] {
        let k = taps.count, ow = width - k + 1, oh = height - k + 1
        var rows = [Double](repeating: 0, count: height * ow)
        for r in 0..<height {
            for j in 0..<ow {
                var acc = 0.0
                for t in 0..<k { acc += taps[t] * plane[r * width + j + t] }
                rows[r * ow + j] = acc
            }
        }
        var out = [Double](repeating: 0, count: oh * ow)
        for i in 0..<oh {
            for j in 0..<ow {
                var acc = 0.0
                for t in 0..<k { acc += taps[t] * rows[(i + t) * ow + j] }
                out[i * ow + j] = acc
            }
        }
        return out
    }
}
