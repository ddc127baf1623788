import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("max pool: values as torch's max_pool2d, gradients once and twice", .computeFromEnvironment)
struct MaxPoolTests {
    @Test("each whole window gives its maximum; a partial last row and column are dropped")
    func values() {
        // 1 x 1 x 3 x 5: windows [[0, 7], [2, 3]], [[-1, -4], [5, 5]]; row 2 and column 4 dropped.
        let x = Tensor(shape: [1, 1, 3, 5], scalars: [0, 7, -1, -4, 99, 2, 3, 5, 5, 99, 99, 99, 99, 99, 99])
        let y = x.maxPool2d(kernel: 2)
        #expect(y.shape == [1, 1, 1, 2])
        #expect(y.scalars == [7, 5])
    }

    @Test("a tie sends the gradient to the first cell in row-major order, as torch does")
    func tieGoesToFirstCell() {
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 3, 3, 3]).requiringGrad()
        let g = gradients(of: x.maxPool2d(kernel: 2).sum(), wrt: [x])[0]
        #expect(g.scalars == [0, 1, 0, 0])
    }

    @Test("differentiates once and twice (distinct values, so no finite step changes a winner)")
    func differentiates() {
        // A permutation of well-separated values: each window's winner survives a 1e-2 step.
        let count = 2 * 3 * 7 * 6
        let x = Tensor(shape: [2, 3, 7, 6], scalars: (0..<count).map { Float(($0 * 37) % count) * 0.05 - 12 })
        checkGradients(of: { $0[0].maxPool2d(kernel: 2) }, at: [x])
        checkSecondOrderGradients(of: { $0[0].maxPool2d(kernel: 2).square() }, at: [x])
        checkGradients(of: { $0[0].maxPool2d(kernel: 3) }, at: [x])
    }
}
