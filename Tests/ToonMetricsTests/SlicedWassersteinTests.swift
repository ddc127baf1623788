import Foundation
import Testing
import ToonCore
@testable import ToonMetrics
import ToonTestSupport

/// Against Reference/swd_reference.json, made by make_swd_reference.py with numpy and scipy the
/// way NVLabs' progressive-GAN metric computes SWD.
@Suite(.computeFromEnvironment) struct SlicedWassersteinTests {
    let reference: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/swd_reference.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    @Test func laplacianPyramidMatchesScipy() {
        var random = NumpyRandomState(seed: 3)
        let image = random.uniformTensor([1, 3, 32, 32], in: 0..<255).scalars
        let levels = LaplacianPyramid.levels(of: image, channels: 3, size: 32, count: 2)
        for (level, key) in zip(levels, ["pyramid32", "pyramid16"]) {
            let expected = (reference[key] as! [Double])
            #expect(level.pixels.count == expected.count)
            // float32 sums in a different order: 1e-3 of values up to 255.
            let worst = zip(level.pixels, expected).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-3, "\(key): off by \(worst)")
        }
    }

    @Test func distanceMatchesNumpy() {
        var ra = NumpyRandomState(seed: 1), rb = NumpyRandomState(seed: 2)
        let a = ra.normalTensor([512, 147]).scalars
        let b = rb.normalTensor([512, 147]).scalars.map { $0 * 1.3 + 0.2 }
        // numpy computes b in float64 then rounds; the same values up to one rounding step.
        let swd = SlicedWasserstein(resolution: 16)
        let d = swd.distances(.init(levels: [a], count: 1), .init(levels: [b], count: 1), seed: 0)
        let expected = reference["swd"] as! Double
        #expect(abs(d[0] - expected) / expected < 1e-4, "\(d[0]) vs \(expected)")
        #expect(d.count == 2 && d[1] == d[0])
    }

    @Test func sameImagesAreCloserThanDifferentOnes() {
        let swd = SlicedWasserstein(resolution: 16, patchesPerImage: 32)
        var random = NumpyRandomState(seed: 5)
        // Smooth waves with random phases (neighbouring pixels alike) against white noise; after the
        // per-channel normalisation only the structure of the patches tells them apart.
        func waves(_ n: Int) -> Tensor {
            let phases = random.uniformTensor([n, 3], in: 0..<6.28).scalars
            let values = (0..<(n * 3 * 256)).map { i -> Float in
                let (image, channel, pixel) = (i / 768, i / 256 % 3, i % 256)
                return 0.8 * sin(Float(pixel % 16) * 0.4 + Float(pixel / 16) * 0.3 + phases[image * 3 + channel])
            }
            return Tensor(shape: [n, 3, 16, 16], scalars: values)
        }
        let noisy = random.uniformTensor([32, 3, 16, 16], in: -0.8..<0.8)
        var first = swd.emptyDescriptors(), second = swd.emptyDescriptors(), other = swd.emptyDescriptors()
        swd.add(waves(32), to: &first, seed: 1)
        swd.add(waves(32), to: &second, seed: 2)
        swd.add(noisy, to: &other, seed: 3)
        let same = swd.distances(first, second).last!, different = swd.distances(first, other).last!
        #expect(same < different / 2, "same set \(same), different set \(different)")
    }
}
