import Testing
import ToonCore
import ToonTestSupport
@testable import Training

@Suite(.computeFromEnvironment) struct MinibatchStdTests {
    /// A direct, Double-precision reading of NVLabs' layer: sample g * n + j is in group j.
    func reference(_ x: Tensor, group: Int, features f: Int) -> [Double] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let g = min(group, n), groups = n / g, cf = c / f
        let v = x.scalars.map(Double.init)
        var out = [Double](repeating: 0, count: groups * f)
        for j in 0..<groups {
            for k in 0..<f {
                var acc = 0.0
                for ch in (k * cf)..<((k + 1) * cf) {
                    for p in 0..<(h * w) {
                        let values = (0..<g).map { v[(($0 * groups + j) * c + ch) * h * w + p] }
                        let mean = values.reduce(0, +) / Double(g)
                        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(g)
                        acc += (variance + 1e-8).squareRoot()
                    }
                }
                out[j * f + k] = acc / Double(cf * h * w)
            }
        }
        return out
    }

    @Test(arguments: [(4, 1), (2, 2), (8, 1)])
    func appendedMapsAreGroupStandardDeviations(group: Int, features: Int) {
        var random = TestRandom(seed: 3)
        let x = random.tensor([8, 4, 3, 3])
        let y = x.appendingMinibatchStd(groupSize: group, channels: features)
        #expect(y.shape == [8, 4 + features, 3, 3])
        let expected = reference(x, group: group, features: features)
        let groups = 8 / min(group, 8)
        for sample in 0..<8 {
            for k in 0..<features {
                let value = y.slice(axis: 0, sample..<(sample + 1)).slice(axis: 1, (4 + k)..<(5 + k)).scalars
                let want = expected[(sample % groups) * features + k]
                #expect(value.allSatisfy { abs(Double($0) - want) < 1e-5 }, "sample \(sample) feature \(k): \(value[0]) vs \(want)")
            }
        }
        #expect(y.slice(axis: 1, 0..<4).scalars == x.scalars)
    }

    @Test func gradientsMatchFiniteDifferences() {
        var random = TestRandom(seed: 4)
        checkGradients(of: { $0[0].appendingMinibatchStd(groupSize: 2, channels: 2) }, at: [random.tensor([4, 4, 2, 2])])
        checkSecondOrderGradients(of: { $0[0].appendingMinibatchStd(groupSize: 2, channels: 1).square() },
                                  at: [random.tensor([4, 2, 2, 2])])
    }
}
