import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("Convolution: values against PyTorch, tiling paths, gradients")
struct ConvTests {
    struct Case: CustomTestStringConvertible, @unchecked Sendable {
        let fields: [String: Any]
        var testDescription: String { fields.string("name") }
        static let all: [Case] = {
            let file = try! Reference.json("conv_reference.json")
            return (file["cases"] as! [[String: Any]]).map { Case(fields: $0) }
        }()
    }

    private static func run(_ c: [String: Any], _ x: Tensor, _ w: Tensor) -> Tensor {
        let stride = c.int("stride"), padding = c.int("padding"), groups = c.int("groups")
        return c.bool("transposed")
            ? x.transposedConv2d(w, stride: stride, padding: padding, outputPadding: c.int("outputPadding"), groups: groups)
            : x.conv2d(w, stride: stride, padding: padding, groups: groups)
    }

    // PyTorch and ToonKit sum the same products in different orders: with |values| <= 1 and at most
    // 48 terms per output, float32 rounding differences stay below 1e-5.
    @Test("output and both gradients match PyTorch within 1e-5", arguments: Case.all)
    func matchesPyTorch(_ testCase: Case) {
        let c = testCase.fields
        let x = Tensor(shape: c.ints("inputShape"), scalars: c.floats("input")).requiringGrad()
        let w = Tensor(shape: c.ints("weightShape"), scalars: c.floats("weight")).requiringGrad()
        let y = Self.run(c, x, w)
        #expect(y.shape == c.ints("outputShape"))
        #expect(maxAbsDifference(y.scalars, c.floats("output")) < 1e-5)
        let upstream = Tensor(shape: y.shape, scalars: c.floats("upstream"))
        let g = gradients(of: (y * upstream).sum(), wrt: [x, w])
        #expect(maxAbsDifference(g[0].scalars, c.floats("inputGradient")) < 1e-5)
        #expect(maxAbsDifference(g[1].scalars, c.floats("weightGradient")) < 1e-5)
    }

    @Test("first- and second-order gradients agree with finite differences", arguments: Case.all)
    func finiteDifferences(_ testCase: Case) {
        let c = testCase.fields
        let x = Tensor(shape: c.ints("inputShape"), scalars: c.floats("input"))
        let w = Tensor(shape: c.ints("weightShape"), scalars: c.floats("weight"))
        // Squaring makes the second derivative non-zero (a convolution alone is bilinear).
        let f: ([Tensor]) -> Tensor = { t in Self.run(c, t[0], t[1]).square() }
        checkGradients(of: f, at: [x, w])
        checkSecondOrderGradients(of: f, at: [x, w])
        checkSecondOrderGradients(of: { t in f([t[1], t[0]]) }, at: [w, x])
    }

    @Test("row bands and batched images give the same result as one big GEMM", arguments: [1, 2, 3, 5])
    func tilingPathsAgree(rowsPerBandBudget: Int) {
        var random = TestRandom(seed: UInt64(rowsPerBandBudget))
        let x = random.tensor([3, 4, 11, 9]), w = random.tensor([5, 4, 3, 3]), gy = random.tensor([3, 5, 11, 9])
        let g = ConvGeometry(input: x.shape, weight: w.shape, stride: (1, 1), padding: (1, 1), groups: 1)
        let whole = ConvTiling(g, budget: 1 << 30, preferredWidth: 1)
        let banded = ConvTiling(g, budget: g.patchSize * g.outW * rowsPerBandBudget, preferredWidth: 1)
        let batched = ConvTiling(g, budget: 1 << 30, preferredWidth: 10_000)
        #expect(banded.rowsPerBand == rowsPerBandBudget && batched.imagesPerStep == 3)
        func results(_ tiling: ConvTiling) -> [[Float]] {
            var y = Tensor.zeros(g.outputShape), gx = Tensor.zeros(g.inputShape), gw = Tensor.zeros(g.weightShape)
            x.withUnsafeBufferPointer { px in w.withUnsafeBufferPointer { pw in gy.withUnsafeBufferPointer { pg in
                y.withUnsafeMutableBufferPointer { ConvKernels.forward(x: px.baseAddress!, w: pw.baseAddress!, y: $0.baseAddress!, g, tiling: tiling) }
                gx.withUnsafeMutableBufferPointer { ConvKernels.backwardInput(gy: pg.baseAddress!, w: pw.baseAddress!, gx: $0.baseAddress!, g, tiling: tiling) }
                gw.withUnsafeMutableBufferPointer { ConvKernels.backwardWeight(x: px.baseAddress!, gy: pg.baseAddress!, gw: $0.baseAddress!, g, tiling: tiling) }
            } } }
            return [y.scalars, gx.scalars, gw.scalars]
        }
        let reference = results(whole)
        for tiling in [banded, batched] {
            for (a, b) in zip(results(tiling), reference) { #expect(maxAbsDifference(a, b) < 1e-5) }
        }
    }

    @Test("a 1024x1024 layer plans a bounded column buffer")
    func largeLayerBufferIsBounded() {
        let g = ConvGeometry(input: [1, 32, 1024, 1024], weight: [32, 32, 3, 3], stride: (1, 1), padding: (1, 1), groups: 1)
        let tiling = ConvTiling(g)
        #expect(tiling.rowsPerBand * g.outW * g.patchSize <= ConvTiling.budget)
        #expect(tiling.rowsPerBand >= 8)
    }
}
