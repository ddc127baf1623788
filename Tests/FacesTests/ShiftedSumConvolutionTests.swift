import Testing
import ToonTestSupport
import ToonCore
@testable import Faces

/// The detector's last layer runs as one product and shifted sums; it must equal the engine's
/// convolution (im2col + GEMM) with the same weights, to float rounding.
@Suite(.computeFromEnvironment) struct ShiftedSumConvolutionTests {
    @Test("shifted sums equal conv2d plus bias", arguments: [(9, 4, 1), (5, 2, 2), (3, 0, 1)])
    func equalsConvolution(_ shape: (size: Int, padding: Int, outputs: Int)) throws {
        let (inputs, h, w) = (6, 13, 17)
        let count = shape.outputs * inputs * shape.size * shape.size
        let weight = (0..<count).map { Float(($0 * 37) % 23) / 23 - 0.5 }
        let bias = (0..<shape.outputs).map { Float($0) * 0.25 - 0.1 }
        let c = DetectorConvolution(weight: weight, bias: bias, outputs: shape.outputs, inputs: inputs, rows: shape.size,
                                    columns: shape.size, strideY: 1, strideX: 1, paddingY: shape.padding, paddingX: shape.padding,
                                    relu: false)
        #expect(ShiftedSumConvolution.applies(c))
        let x = Tensor(shape: [1, inputs, h, w], scalars: (0..<(inputs * h * w)).map { Float(($0 * 11) % 19) / 9 - 1 })
        let fast = ShiftedSumConvolution.apply(c, to: x)
        let reference = x.conv2d(Tensor(shape: [shape.outputs, inputs, shape.size, shape.size], scalars: weight), padding: shape.padding)
        try #require(fast.shape == reference.shape)
        var worst: Float = 0
        let biasPerValue = reference.shape[2] * reference.shape[3]
        for (i, (a, b)) in zip(fast.scalars, reference.scalars).enumerated() {
            worst = max(worst, abs(a - (b + bias[i / biasPerValue])))
        }
        #expect(worst <= 1e-5, "largest difference \(worst)")
    }
}
