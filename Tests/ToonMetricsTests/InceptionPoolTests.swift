import Testing
@testable import ToonMetrics
import ToonCore
import ToonTestSupport

/// The separable pools against the window read directly, as torch defines them, on sizes where
/// the edge windows are clipped differently (odd, even, 3 wide).
struct InceptionPoolTests {
    /// torch's max_pool2d / avg_pool2d(count_include_pad=False) over one plane, window by window.
    static func direct(_ x: [Float], h: Int, w: Int, stride: Int, padding: Int, average: Bool) -> [Float] {
        let outH = (h + 2 * padding - 3) / stride + 1, outW = (w + 2 * padding - 3) / stride + 1
        var out: [Float] = []
        for oy in 0..<outH {
            for ox in 0..<outW {
                var cells: [Float] = []
                for y in (oy * stride - padding)..<(oy * stride - padding + 3) where y >= 0 && y < h {
                    for xx in (ox * stride - padding)..<(ox * stride - padding + 3) where xx >= 0 && xx < w { cells.append(x[y * w + xx]) }
                }
                out.append(average ? cells.reduce(0, +) / Float(cells.count) : cells.max()!)
            }
        }
        return out
    }

    @Test(arguments: [(3, 3), (7, 8), (8, 5)])
    func poolsMatchTheirWindowDefinitions(h: Int, w: Int) {
        var random = TestRandom(seed: UInt64(h * 31 + w))
        let (n, c) = (2, 3)
        let x = random.tensor([n, c, h, w])
        let plane = h * w
        func planes(_ t: Tensor, _ size: Int) -> [[Float]] { (0..<(n * c)).map { Array(t.scalars[($0 * size)..<(($0 + 1) * size)]) } }
        let inputs = planes(x, plane)
        let cases: [(Tensor, Int, Int, Bool)] = [
            (x.maxPool3x3(stride: 2, padding: 0), 2, 0, false),
            (x.maxPool3x3(stride: 1, padding: 1), 1, 1, false),
            (x.averagePool3x3ExcludingPadding(), 1, 1, true),
        ]
        for (result, stride, padding, average) in cases {
            let expected = inputs.flatMap { Self.direct($0, h: h, w: w, stride: stride, padding: padding, average: average) }
            #expect(result.scalars.count == expected.count)
            // Max is exact; the mean sums in another order, a few ulps.
            let worst = zip(result.scalars, expected).map { abs($0 - $1) }.max()!
            #expect(worst <= (average ? 1e-6 : 0), "stride \(stride) padding \(padding) average \(average): \(worst)")
        }
        let pooled = x.globalAveragePool()
        #expect(pooled.shape == [n, c])
        #expect(zip(pooled.scalars, inputs.map { $0.reduce(0, +) / Float(plane) }).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
