import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("Shape ops, reductions and matmul", .computeFromEnvironment)
struct ShapeOpGradientTests {
    var random = TestRandom(seed: 2)

    @Test("permute, slice and concatenate move the right elements")
    func layoutValues() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(x.permuted([1, 0]).scalars == [1, 4, 2, 5, 3, 6])
        #expect(x.slice(axis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(x.slice(axis: 0, 1..<2).scalars == [4, 5, 6])
        let joined = Tensor.concatenate([x, x.slice(axis: 1, 0..<1)], axis: 1)
        #expect(joined.shape == [2, 4])
        #expect(joined.scalars == [1, 2, 3, 1, 4, 5, 6, 4])
        #expect(x.flipped(axes: [1]).scalars == [3, 2, 1, 6, 5, 4])
        #expect(x.flipped(axes: [0, 1]).scalars == [6, 5, 4, 3, 2, 1])
        // torch.roll: element i moves to (i + shift) mod n; negative and long shifts wrap.
        #expect(x.rolled(by: 1, axis: 1).scalars == [3, 1, 2, 6, 4, 5])
        #expect(x.rolled(by: -1, axis: 1).scalars == [2, 3, 1, 5, 6, 4])
        #expect(x.rolled(by: 4, axis: 1).scalars == x.rolled(by: 1, axis: 1).scalars)
        #expect(x.rolled(by: 1, axis: 0).scalars == [4, 5, 6, 1, 2, 3])
        #expect(x.rolled(by: 3, axis: 1).scalars == x.scalars)
    }

    @Test("sum, mean and max over axis sets")
    func reductionValues() {
        let x = Tensor(shape: [2, 3, 2], scalars: (1...12).map(Float.init))
        #expect(x.sum().scalar == 78)
        #expect(x.sum(axes: [1]).scalars == [9, 12, 27, 30])
        #expect(x.sum(axes: [0, 2], keepDims: true).shape == [1, 3, 1])
        #expect(x.sum(axes: [0, 2]).scalars == [18, 26, 34])
        #expect(x.mean(axes: [-1]).scalars == [1.5, 3.5, 5.5, 7.5, 9.5, 11.5])
        #expect(x.max(axis: 1).scalars == [5, 6, 11, 12])
    }

    @Test("layout ops and reductions differentiate", arguments: ["permute", "slice", "concat", "sum", "mean", "max", "expand", "reshape", "flip", "roll"])
    mutating func layoutGradients(op: String) {
        let x = random.tensor([2, 3, 4])
        let f: ([Tensor]) -> Tensor = { t in
            let v = t[0]
            switch op {
            case "permute": return v.permuted([2, 0, 1])
            case "slice": return v.slice(axis: 2, 1..<3)
            case "concat": return Tensor.concatenate([v, v.slice(axis: 1, 0..<2) * 2], axis: 1)
            case "sum": return v.sum(axes: [0, 2], keepDims: true)
            case "mean": return v.mean(axes: [1])
            case "max": return v.max(axis: 2)
            case "expand": return v.reshaped([2, 1, 3, 4]).expanded(to: [2, 5, 3, 4])
            case "flip": return v.flipped(axes: [0, 2]).square()
            case "roll": return (v * v.rolled(by: 1, axis: 2)).square()
            default: return v.reshaped([6, 4]).square()
            }
        }
        checkGradients(of: f, at: [x])
    }

    @Test("matmul matches a hand product, with and without transposes")
    func matmulValues() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        #expect(a.matmul(b).scalars == [58, 64, 139, 154])
        #expect(b.matmul(a, transposeSelf: true, transposeOther: true).scalars == [58, 139, 64, 154])
        #expect(a.matmul(a, transposeOther: true).scalars == [14, 32, 32, 77])
    }

    @Test("matmul gradients of first and second order", arguments: [(false, false), (true, false), (false, true), (true, true)])
    mutating func matmulGradients(flags: (Bool, Bool)) {
        let a = random.tensor(flags.0 ? [4, 3] : [3, 4]), b = random.tensor(flags.1 ? [5, 4] : [4, 5])
        let f: ([Tensor]) -> Tensor = { t in t[0].matmul(t[1], transposeSelf: flags.0, transposeOther: flags.1).square() }
        checkGradients(of: f, at: [a, b])
        checkSecondOrderGradients(of: f, at: [a, b])
    }

    @Test("batched matmul with a shared operand")
    mutating func batchedMatmul() {
        let a = random.tensor([2, 3, 4]), b = random.tensor([4, 2])
        checkGradients(of: { $0[0].matmul($0[1]) }, at: [a, b])
    }

    @Test("gradients of unrelated inputs are zeros and recording off builds no graph")
    func unrelatedAndNoRecording() {
        let x = Tensor(shape: [2], scalars: [1, 2]).requiringGrad()
        let y = Tensor(shape: [2], scalars: [3, 4]).requiringGrad()
        let g = gradients(of: (x * 3).sum(), wrt: [x, y])
        #expect(g[0].scalars == [3, 3])
        #expect(g[1].scalars == [0, 0])
        let z = withoutGradients { x * y }
        #expect(!z.requiresGrad)
        #expect(!(Tensor.ones([2]) * 2).requiresGrad)
    }

    @Test("a deep chain does not overflow the stack")
    func deepChain() {
        var x = Tensor(shape: [1], scalars: [1]).requiringGrad()
        let start = x
        for _ in 0..<3_000 { x = x * 1.0001 }
        let g = gradients(of: x.sum(), wrt: [start])[0].scalar
        #expect(Swift.abs(g - Float(pow(1.0001, 3_000.0))) < 1e-3)
    }
}
