import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("Convolution: values against PyTorch, tiling paths, gradients", .computeFromEnvironment)
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
        // Bands split across workers, each summing its own weight gradient: the same on every run.
        let split = ComputeConfiguration(threads: 3).run { results(banded)[2] }
        #expect(split == ComputeConfiguration(threads: 3).run { results(banded)[2] })
        #expect(maxAbsDifference(split, reference[2]) < 1e-5)
    }

    /// conv_transpose2d (weight [in, out, kh, kw]) summed in Double.
    static func transposedDirect(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int, outputPadding: Int) -> [Float] {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
        let oh = (h - 1) * stride - 2 * padding + kh + outputPadding, ow = (wd - 1) * stride - 2 * padding + kw + outputPadding
        let xs = x.scalars, ws = w.scalars
        var y = [Double](repeating: 0, count: n * cout * oh * ow)
        for image in 0..<n { for i in 0..<cin { for a in 0..<h { for b in 0..<wd {
            let value = Double(xs[((image * cin + i) * h + a) * wd + b])
            for o in 0..<cout { for ky in 0..<kh { for kx in 0..<kw {
                let (oy, ox) = (a * stride - padding + ky, b * stride - padding + kx)
                guard oy >= 0 && oy < oh && ox >= 0 && ox < ow else { continue }
                y[((image * cout + o) * oh + oy) * ow + ox] += value * Double(ws[((i * cout + o) * kh + ky) * kw + kx])
            } } }
        } } } }
        return y.map { Float($0) }
    }

    // Rows wide enough for the vector scatter of stride 2 (blocks of eight columns plus a tail).
    @Test("wide stride-2 transposed convolutions match a Double sum",
          arguments: [(3, 0, 0), (3, 1, 1), (4, 1, 0), (3, 0, 1)])
    func wideTransposed(_ c: (Int, Int, Int)) {
        let (kernel, padding, outputPadding) = c
        var random = TestRandom(seed: UInt64(kernel * 10 + padding * 3 + outputPadding))
        let x = random.tensor([2, 3, 6, 21]), w = random.tensor([3, 4, kernel, kernel])
        let y = x.transposedConv2d(w, stride: 2, padding: padding, outputPadding: outputPadding)
        let expected = Self.transposedDirect(x, w, stride: 2, padding: padding, outputPadding: outputPadding)
        #expect(y.count == expected.count)
        #expect(maxAbsDifference(y.scalars, expected) < 1e-5)
    }

    @Test("a 1024x1024 layer plans a bounded column buffer")
    func largeLayerBufferIsBounded() {
        let g = ConvGeometry(input: [1, 32, 1024, 1024], weight: [32, 32, 3, 3], stride: (1, 1), padding: (1, 1), groups: 1)
        let tiling = ConvTiling(g)
        #expect(tiling.rowsPerBand * g.outW * g.patchSize <= ConvTiling.budget)
        #expect(tiling.rowsPerBand >= 8)
    }
}
