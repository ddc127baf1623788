import Testing
@testable import ToonCore
import ToonTestSupport

/// Permute, slice and broadcast are views: the same storage read with other strides. They must
/// read the same values as dense copies, never let a write through one change another, and
/// differentiate as the copies did.
@Suite("Strided views", .computeFromEnvironment)
struct TensorViewTests {
    var random = TestRandom(seed: 11)

    /// The element at `index` read by walking strides by hand, the definition a view must meet.
    func element(_ t: Tensor, _ index: [Int]) -> Float {
        let position = zip(index, t.strides).reduce(t.offset) { $0 + $1.0 * $1.1 }
        return t.storage.pointer[position]
    }

    @Test("permute, slice and expand share their base's storage and walk it with new strides")
    func viewsShareStorage() {
        let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let permuted = x.permuted([2, 0, 1])
        #expect(permuted.storage === x.storage && !permuted.isContiguous)
        #expect(permuted.shape == [4, 2, 3] && permuted.strides == [1, 12, 4])
        let sliced = x.slice(axis: 2, 1..<3)
        #expect(sliced.storage === x.storage && sliced.offset == 1 && sliced.strides == [12, 4, 1])
        let broadcast = x.slice(axis: 0, 1..<2).expanded(to: [5, 2, 3, 4])
        #expect(broadcast.storage === x.storage && broadcast.strides == [0, 0, 4, 1] && broadcast.offset == 12)
        // Slicing whole rows stays dense: no strides kept.
        #expect(x.slice(axis: 0, 1..<2).isContiguous)
        // A permutation and its inverse give back a dense tensor over the same storage.
        let back = permuted.permuted([1, 2, 0])
        #expect(back.isContiguous && back.storage === x.storage && back.scalars == x.scalars)
    }

    @Test("views read the values a copy holds, through every path that reads them")
    mutating func viewValues() {
        let x = random.tensor([3, 4, 5])
        let view = x.permuted([1, 2, 0]).slice(axis: 1, 1..<4).slice(axis: 2, 0..<2)
        var expected: [Float] = []
        for i in 0..<4 { for j in 1..<4 { for k in 0..<2 { expected.append(x.scalars[k * 20 + i * 5 + j]) } } }
        #expect(view.shape == [4, 3, 2])
        #expect(view.scalars == expected)
        #expect(view.contiguous().isContiguous && view.contiguous().scalars == expected)
        var walked: [Float] = []
        for i in 0..<4 { for j in 0..<3 { for k in 0..<2 { walked.append(element(view, [i, j, k])) } } }
        #expect(walked == expected)
        // Ops read views as their values: elementwise, reductions, reshape, padding.
        let dense = Tensor(shape: view.shape, scalars: expected)
        #expect((view * 2 + 1).scalars == (dense * 2 + 1).scalars)
        #expect(view.sum(axes: [1]).scalars == dense.sum(axes: [1]).scalars)
        #expect(view.reshaped([6, 4]).scalars == expected)
        #expect(view.max(axis: 2).scalars == dense.max(axis: 2).scalars)
    }

    @Test("writing through a view or its base copies first: neither sees the other's write")
    func copyOnWrite() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var view = x.permuted([1, 0])
        view.withUnsafeMutableBufferPointer { $0[0] = 100 }
        #expect(view.isContiguous && view.storage !== x.storage)
        #expect(view.scalars == [100, 4, 2, 5, 3, 6] && x.scalars == [1, 2, 3, 4, 5, 6])

        var base = x
        let row = base.slice(axis: 1, 0..<2)
        base.withUnsafeMutableBufferPointer { $0[0] = -1 }
        #expect(row.scalars == [1, 2, 4, 5] && base.scalars == [-1, 2, 3, 4, 5, 6])
    }

    @Test("a broadcast view takes no memory of its own and sums back in its gradient")
    mutating func broadcastGradient() {
        let row = random.tensor([1, 4])
        checkGradients(of: { ($0[0].expanded(to: [3, 4]) * $0[1]).square() }, at: [row, random.tensor([3, 4])])
        checkSecondOrderGradients(of: { ($0[0].expanded(to: [3, 4]) * $0[1]).square() }, at: [row, random.tensor([3, 4])])
    }

    @Test("gradients flow through chains of views and the explicit copy")
    mutating func chainedViewGradients() {
        let x = random.tensor([3, 4, 5])
        let f: ([Tensor]) -> Tensor = {
            $0[0].permuted([2, 0, 1]).slice(axis: 0, 1..<4).slice(axis: 2, 1..<3).contiguous().square()
        }
        checkGradients(of: f, at: [x])
        checkSecondOrderGradients(of: f, at: [x])
    }

    @Test("matmul reads transposed and row-strided views in place and matches dense operands",
          arguments: [false, true])
    mutating func matmulWithViews(transposeFlag: Bool) {
        let a = random.tensor([3, 6]), b = random.tensor([5, 4])
        // bᵀ as a view (strides [1, 4]) and a's first four columns (row stride 6).
        let bt = b.permuted([1, 0]), aColumns = a.slice(axis: 1, 0..<4)
        #expect(bt.blasLayout! == (true, 4) && aColumns.blasLayout! == (false, 6))
        let denseA = aColumns.contiguous(), denseBt = bt.contiguous()
        let product = transposeFlag ? bt.matmul(aColumns, transposeSelf: true, transposeOther: true)
                                    : aColumns.matmul(bt)
        let expected = transposeFlag ? denseBt.matmul(denseA, transposeSelf: true, transposeOther: true)
                                     : denseA.matmul(denseBt)
        #expect(maxAbsDifference(product.scalars, expected.scalars) < 1e-6)
        checkGradients(of: { $0[0].slice(axis: 1, 0..<4).matmul($0[1].permuted([1, 0])) }, at: [a, b])
        checkSecondOrderGradients(of: { $0[0].slice(axis: 1, 0..<4).matmul($0[1].permuted([1, 0])).square() },
                                  at: [a, b])
    }

    @Test("a transposed convolution reads a permuted weight view as its dense copy", arguments: [false, true])
    mutating func transposedWeightView(recording: Bool) {
        let x = random.tensor([1, 16, 12, 12]), weight = random.tensor([8, 16, 3, 3])
        let view = weight.permuted([1, 0, 2, 3])
        let y = recording ? x.transposedConv2d(view, stride: 2) : withoutGradients { x.transposedConv2d(view, stride: 2) }
        let reference = x.transposedConv2d(view.contiguous(), stride: 2)
        #expect(maxAbsDifference(y.scalars, reference.scalars) < 1e-5)
    }
}
