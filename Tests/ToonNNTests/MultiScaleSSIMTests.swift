import ToonMetrics
import Testing
import ToonCore
@testable import ToonNN
import ToonTestSupport

@Suite("MS-SSIM loss: values and gradients", .computeFromEnvironment)
struct MultiScaleSSIMTests {
    var random = TestRandom(seed: 5)

    @Test("one scale is Wang et al.'s SSIM as ToonKit's skimage-matched metric computes it")
    mutating func oneScaleIsWangSSIM() {
        // 16 px sides fit one 11-tap window and not a second scale.
        let a = random.tensor([1, 3, 16, 20], 0...255), b = (a + random.tensor([1, 3, 16, 20], -40...40)).clamped(to: 0...255)
        #expect(MultiScaleSSIM.scales(forSide: 16) == 1)
        let ours = Double(MultiScaleSSIM(dataRange: 255)(a, b).scalar)
        func planes(_ t: Tensor) -> ImagePlanes { ImagePlanes(width: 20, height: 16, channels: 3, values: t.scalars.map(Double.init)) }
        let reference = StructuralSimilarity.wang(planes(a), planes(b))
        #expect(abs(ours - reference) < 1e-5, "\(ours) vs \(reference)")
    }

    @Test("identical images score 1; more difference scores lower")
    mutating func identicalIsOne() {
        let a = random.tensor([2, 3, 48, 48])
        let ssim = MultiScaleSSIM(dataRange: 2)
        #expect(MultiScaleSSIM.scales(forSide: 48) == 3)
        #expect(ssim(a, a).scalars.allSatisfy { abs($0 - 1) < 1e-5 })
        let slightly = ssim(a, a + random.tensor([2, 3, 48, 48], -0.1...0.1)).scalars
        let very = ssim(a, a + random.tensor([2, 3, 48, 48], -0.8...0.8)).scalars
        #expect(zip(slightly, very).allSatisfy { $0 > $1 && $0 < 1 })
    }

    @Test("scales fit the window: 11 px per side at the coarsest, five at most")
    func scaleCounts() {
        #expect(MultiScaleSSIM.scales(forSide: 10) == 0)
        #expect(MultiScaleSSIM.scales(forSide: 21) == 2)
        #expect(MultiScaleSSIM.scales(forSide: 64) == 3)
        #expect(MultiScaleSSIM.scales(forSide: 176) == 5)
        #expect(MultiScaleSSIM.scales(forSide: 1024) == 5)
    }

    @Test("differentiates in both images (finite differences)")
    mutating func gradients() {
        let a = random.tensor([1, 2, 23, 24]), b = random.tensor([1, 2, 23, 24])
        checkGradients(of: { MultiScaleSSIM(dataRange: 2)($0[0], $0[1]) }, at: [a, b], step: 1e-2)
    }
}
