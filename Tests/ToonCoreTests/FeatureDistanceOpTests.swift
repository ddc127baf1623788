import Testing
@testable import ToonCore
import ToonTestSupport

/// LPIPS's fused feature ops: values and gradients equal the composed ops, once and twice differentiated.
@Suite("unitLengthOverChannels and weightedSquaredDistance", .computeFromEnvironment)
struct FeatureDistanceOpTests {
    @Test("unit length: values and gradient equal the composed ops'; a zero vector's gradient is finite",
          arguments: [[2, 5, 3, 4], [1, 3, 40, 41]])
    func unitLength(_ shape: [Int]) {
        var random = TestRandom(seed: 3)
        var x = random.tensor(shape)
        // Pixel 0 of image 0 is the zero vector: there the function is x / epsilon, so its gradient
        // is g / epsilon; the composed ops' square root makes it NaN (as torch's does).
        x.withUnsafeMutableBufferPointer { b in for c in 0..<shape[1] { b[c * shape[2] * shape[3]] = 0 } }
        let fused = x.unitLengthOverChannels(epsilon: 1e-10), composed = x.unitLengthComposed(epsilon: 1e-10)
        #expect(maxAbsDifference(fused.scalars, composed.scalars) <= 1e-6)
        let seed = random.tensor(shape), leaf = x.requiringGrad()
        let a = gradients(of: leaf.unitLengthOverChannels(epsilon: 1e-3), wrt: [leaf], seed: seed)[0]
        let b = gradients(of: leaf.unitLengthComposed(epsilon: 1e-3), wrt: [leaf], seed: seed)[0]
        let finite = b.scalars.indices.filter { b.scalars[$0].isFinite }
        #expect(finite.count == b.count - shape[1])
        #expect(finite.map { abs(a.scalars[$0] - b.scalars[$0]) }.max()! <= 1e-5 * finite.map { abs(b.scalars[$0]) }.max()!)
        let planeSize = shape[2] * shape[3]
        for c in 0..<shape[1] { #expect(a.scalars[c * planeSize] == seed.scalars[c * planeSize] / 1e-3) }
    }

    @Test("unit length: finite differences, once and twice")
    func unitLengthFiniteDifferences() {
        var random = TestRandom(seed: 4)
        let x = random.tensor([2, 4, 3, 3], 0.2...1)
        checkGradients(of: { $0[0].unitLengthOverChannels(epsilon: 1e-3) }, at: [x])
        checkSecondOrderGradients(of: { $0[0].unitLengthOverChannels(epsilon: 1e-3) }, at: [x])
    }

    @Test("weighted squared distance: values and gradients equal the composed ops'")
    func distance() {
        var random = TestRandom(seed: 5)
        let a = random.tensor([2, 6, 7, 5]), b = random.tensor([2, 6, 7, 5]), w = random.tensor([6], 0...1)
        let composed = { (a: Tensor, b: Tensor, w: Tensor) in (a - b).square().conv2d(w.reshaped([1, 6, 1, 1])).mean(axes: [1, 2, 3]) }
        #expect(maxAbsDifference(a.weightedSquaredDistance(b, weights: w).scalars, composed(a, b, w).scalars) <= 1e-6)
        let seed = Tensor(shape: [2], scalars: [0.7, -1.3])
        let (la, lb) = (a.requiringGrad(), b.requiringGrad())
        let fused = gradients(of: la.weightedSquaredDistance(lb, weights: w), wrt: [la, lb], seed: seed)
        let reference = gradients(of: composed(la, lb, w), wrt: [la, lb], seed: seed)
        for (x, y) in zip(fused, reference) { #expect(maxAbsDifference(x.scalars, y.scalars) <= 1e-6) }
        checkGradients(of: { $0[0].weightedSquaredDistance($0[1], weights: $0[2]) }, at: [a, b, w])
        checkSecondOrderGradients(of: { $0[0].weightedSquaredDistance($0[1], weights: $0[2]) }, at: [a, b, w])
    }
}
