import Testing
import ToonCore
import ToonTestSupport
@testable import Faces

/// The detector's strided layers run over 2x2 blocks (on the engine's Winograd path); they must
/// equal the engine's strided convolution with bias and relu, to float rounding.
@Suite(.computeFromEnvironment) struct SpaceToDepthConvolutionTests {
    @Test("block convolution equals stride-2 conv2d, bias and relu", arguments: [(5, 41, 38), (5, 40, 45), (6, 42, 37)])
    func equalsStridedConvolution(_ shape: (size: Int, h: Int, w: Int)) throws {
        let (inputs, outputs) = (4, 16)
        let count = outputs * inputs * shape.size * shape.size
        let weight = (0..<count).map { Float(($0 * 37) % 23) / 23 - 0.5 }
        let bias = (0..<outputs).map { Float($0) * 0.05 - 0.4 }
        let c = DetectorConvolution(weight: weight, bias: bias, outputs: outputs, inputs: inputs, rows: shape.size,
                                    columns: shape.size, strideY: 2, strideX: 2, paddingY: 0, paddingX: 0, relu: true)
        #expect(SpaceToDepthConvolution.applies(c))
        let x = Tensor(shape: [1, inputs, shape.h, shape.w], scalars: (0..<(inputs * shape.h * shape.w)).map { Float(($0 * 11) % 19) / 9 - 1 })
        let epilogue = ConvEpilogue(bias: Tensor(shape: [outputs], scalars: bias), activation: .relu, gain: 1)
        let fast = SpaceToDepthConvolution.apply(c, blockWeights: SpaceToDepthConvolution.blockWeights(c), epilogue: epilogue, to: x)
        let reference = x.conv2d(Tensor(shape: [outputs, inputs, shape.size, shape.size], scalars: weight), stride: 2)
        try #require(fast.shape == reference.shape)
        let plane = reference.shape[2] * reference.shape[3]
        var worst: Float = 0
        for (i, (a, b)) in zip(fast.scalars, reference.scalars).enumerated() { worst = max(worst, abs(a - max(0, b + bias[i / plane]))) }
        #expect(worst <= 2e-5, "largest difference \(worst)")
    }
}
