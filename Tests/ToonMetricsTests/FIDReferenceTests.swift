import Foundation
import Testing
@testable import ToonMetrics
import ToonCore
import ToonIO
import ToonTestSupport

/// Against Reference/fid_reference.json, made by make_fid_reference.py with pytorch-fid 0.3.0's own
/// model class, dataset transform and calculate_frechet_distance on formula-filled weights
/// (ToonTestSupport's FormulaWeights), for two sets of six PNGs (64x64 and 56x40). The issue asks for
/// features and FID within 1e-4 relative of pytorch-fid. Measured on both GEMM paths (ToonKit's
/// AVX-512 kernel and OpenBLAS): features within 8e-7 of |value| + the image's RMS feature (float32
/// convolutions summed in another order, Winograd, BN folded into the weights), FID and KID within
/// 9e-7 relative. A wrong resize, pool padding rule, pool kind or BN epsilon moves features by 1e-3
/// or more.
@Suite(.computeFromEnvironment) struct FIDReferenceTests {
    struct ImageReference: Decodable {
        let file: String
        let sampled: [Double]
        let norm: Double
        let sum: Double
    }

    struct Reference: Decodable {
        let feature_stride: Int
        let images: [ImageReference]
        let fid: Double
        let fid_exact: Double
        let kid: Double
        let kid_subsets5_size4_seed7: Double
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("fid_reference.json")))

    /// Features of the 12 images, set a then set b, as the CLI computes them (once for all tests).
    static let features: (a: [Float], b: [Float]) = {
        let network = try! FIDInception(stateDict: FormulaInceptionWeights.stateDict(), source: "formula")
        let files = reference.images.map { folder.appendingPathComponent($0.file) }
        let a = try! network.features(files: Array(files.prefix(6))), b = try! network.features(files: Array(files.suffix(6)))
        return (a, b)
    }()

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

    @Test func featuresMatchPytorchFIDWithinOneInTenThousand() {
        let all = Self.features.a + Self.features.b, d = FIDInception.dimensions
        var worst = 0.0
        for (i, image) in Self.reference.images.enumerated() {
            let row = all[(i * d)..<((i + 1) * d)].map(Double.init)
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot(), rms = norm / Double(d).squareRoot()
            #expect(Self.relative(norm, image.norm) < 1e-4, "\(image.file) norm \(norm) vs \(image.norm)")
            #expect(Self.relative(row.reduce(0, +), image.sum) < 1e-4, "\(image.file) sum")
            for (k, expected) in image.sampled.enumerated() {
                let error = abs(row[k * Self.reference.feature_stride] - expected) / (abs(expected) + rms)
                worst = max(worst, error)
                #expect(error < 1e-4, "\(image.file) feature \(k * Self.reference.feature_stride): \(row[k * Self.reference.feature_stride]) vs \(expected)")
            }
        }
        print("FID features: worst error \(worst) of |value| + image RMS")
    }

    @Test func fidMatchesPytorchFIDWithinOneInTenThousand() {
        let d = FIDInception.dimensions
        let fid = FrechetDistance.distance(FeatureStatistics(features: Self.features.a, dimensions: d),
                                           FeatureStatistics(features: Self.features.b, dimensions: d))
        print("FID \(fid) vs pytorch-fid \(Self.reference.fid): \(Self.relative(fid, Self.reference.fid)) relative")
        #expect(Self.relative(fid, Self.reference.fid) < 1e-4)
        #expect(Self.relative(fid, Self.reference.fid_exact) < 1e-4)
    }

    @Test func kidMatchesNVLabsFormulaWithinOneInTenThousand() {
        let d = FIDInception.dimensions
        let kid = KernelInceptionDistance.distance(real: Self.features.a, fake: Self.features.b, dimensions: d)
        print("KID \(kid) vs numpy \(Self.reference.kid): \(Self.relative(kid, Self.reference.kid)) relative")
        #expect(Self.relative(kid, Self.reference.kid) < 1e-4)
        // Subsets of 4 of 6: equal only if the draw is numpy's RandomState(7) choice, in NVLabs' order.
        let drawn = KernelInceptionDistance.distance(real: Self.features.a, fake: Self.features.b, dimensions: d,
                                                     subsets: 5, maxSubsetSize: 4, seed: 7)
        #expect(Self.relative(drawn, Self.reference.kid_subsets5_size4_seed7) < 1e-4, "\(drawn) vs \(Self.reference.kid_subsets5_size4_seed7)")
    }
}
