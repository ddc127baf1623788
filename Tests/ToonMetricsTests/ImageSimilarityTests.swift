import Foundation
import Testing
@testable import ToonMetrics
import ToonTestSupport

/// Against Reference/ssim_reference.json, made by make_ssim_reference.py with scikit-image's
/// skimage.metrics on 8-bit RGB images (data_range 255). Both sides compute in float64 from the same
/// integer codes and differ only in summation order (scipy's running sums, numpy's pairwise mean), a
/// few ulps; 1e-6 relative leaves room for that and still catches any wrong window, crop, covariance
/// factor or constant (those move them by 1e-4 or more).
@Suite(.computeFromEnvironment) struct ImageSimilarityTests {
    struct Pair: Decodable {
        let a: String, b: String
        let mse: Double, psnr: Double, ssim: Double
        let ssim_gaussian: Double
    }

    struct Reference: Decodable {
        let height: Int, width: Int
        let images: [String: [Int]]
        let pairs: [Pair]

        /// skimage's (H, W, 3) bytes as planar values.
        func planes(_ name: String) -> ImagePlanes {
            let bytes = images[name]!
            var values = [Double](repeating: 0, count: bytes.count)
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<3 { values[(c * height + y) * width + x] = Double(bytes[(y * width + x) * 3 + c]) }
                }
            }
            return ImagePlanes(width: width, height: height, channels: 3, values: values)
        }
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/ssim_reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func close(_ value: Double, _ expected: Double) -> Bool { abs(value - expected) <= 1e-6 * abs(expected) }

    @Test("MSE, PSNR and both SSIM variants match scikit-image to 1e-6", arguments: reference.pairs.indices)
    func matchesSkimage(index: Int) {
        let pair = Self.reference.pairs[index]
        let a = Self.reference.planes(pair.a), b = Self.reference.planes(pair.b)
        let mse = PixelError.meanSquared(a, b), psnr = PixelError.peakSignalToNoiseRatio(a, b)
        let ssim = StructuralSimilarity.skimage(a, b), wang = StructuralSimilarity.wang(a, b)
        #expect(Self.close(mse, pair.mse), "\(pair.a)/\(pair.b) mse \(mse) vs \(pair.mse)")
        #expect(Self.close(psnr, pair.psnr), "\(pair.a)/\(pair.b) psnr \(psnr) vs \(pair.psnr)")
        #expect(Self.close(ssim, pair.ssim), "\(pair.a)/\(pair.b) ssim \(ssim) vs \(pair.ssim)")
        #expect(Self.close(wang, pair.ssim_gaussian), "\(pair.a)/\(pair.b) gaussian ssim \(wang) vs \(pair.ssim_gaussian)")
    }

    @Test("an image against itself: MSE 0, PSNR +infinity, SSIM exactly 1")
    func identical() {
        let a = Self.reference.planes("noise")
        #expect(PixelError.meanSquared(a, a) == 0)
        #expect(PixelError.peakSignalToNoiseRatio(a, a) == .infinity)
        #expect(StructuralSimilarity.skimage(a, a) == 1)
        #expect(StructuralSimilarity.wang(a, a) == 1)
    }

    @Test("SSIM is symmetric and its variants differ")
    func symmetric() {
        let a = Self.reference.planes("gradient"), b = Self.reference.planes("speckled")
        #expect(Self.close(StructuralSimilarity.skimage(a, b), StructuralSimilarity.skimage(b, a)))
        #expect(abs(StructuralSimilarity.skimage(a, b) - StructuralSimilarity.wang(a, b)) > 1e-2)
        #expect(StructuralSimilarity.wang.windowSize == 11 && StructuralSimilarity.skimage.windowSize == 7)
    }
}
