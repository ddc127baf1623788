import Testing
@testable import ToonCore
import ToonTestSupport

/// `Tensor.conv2d(joined:...)` reads each part of a channel join where it lies instead of copying
/// them into one tensor; the float operations are the concatenation's, so results are bit for bit.
@Suite(.computeFromEnvironment)
struct JoinedConvTests {
    @Test("a convolution of joined parts equals the convolution of their concatenation",
          arguments: [(1, [8, 12], 16, 16, 20), (2, [16, 16], 16, 12, 8), (1, [4, 20, 8], 24, 10, 14), (1, [2, 2], 16, 8, 8),
                      (1, [8, 12], 3, 16, 20)])
    func joinedEqualsConcatenated(_ batch: Int, _ channels: [Int], _ outChannels: Int, _ height: Int, _ width: Int) {
        var random = TestRandom(seed: UInt64(channels.reduce(0, +) * 31 + outChannels))
        let parts = channels.map { random.tensor([batch, $0, height, width]) }
        let weight = random.tensor([outChannels, channels.reduce(0, +), 3, 3])
        let bias = random.tensor([outChannels])
        let epilogue = ConvEpilogue(bias: bias, activation: .leakyReLU(slope: 0.2), gain: Float(2).squareRoot())
        let joined = Tensor.conv2d(joined: parts, weight, padding: 1, epilogue: epilogue)
        let concatenated = Tensor.concatenate(parts, axis: 1).conv2d(weight, padding: 1, inputScale: nil, epilogue: epilogue)
        #expect(joined.shape == concatenated.shape)
        #expect(joined.scalars.map(\.bitPattern) == concatenated.scalars.map(\.bitPattern),
                "\(channels) -> \(outChannels) at \(height)x\(width), batch \(batch)")
        // And the differentiable ops' result, within float rounding of the fused epilogue's order.
        let reference = (Tensor.concatenate(parts, axis: 1).conv2d(weight, padding: 1) + bias.reshaped([1, outChannels, 1, 1]))
            .leakyReLU(slope: 0.2) * Float(2).squareRoot()
        let worst = zip(joined.scalars, reference.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test("a part that is a view is read through its values")
    func viewPart() {
        var random = TestRandom(seed: 9)
        let wide = random.tensor([1, 24, 16, 16])
        let view = wide.slice(axis: 1, 4..<20)
        let skip = random.tensor([1, 16, 16, 16])
        let weight = random.tensor([16, 32, 3, 3])
        let joined = Tensor.conv2d(joined: [view, skip], weight, padding: 1, epilogue: ConvEpilogue())
        let concatenated = Tensor.concatenate([view.contiguous(), skip], axis: 1).conv2d(weight, padding: 1, inputScale: nil, epilogue: ConvEpilogue())
        #expect(joined.scalars.map(\.bitPattern) == concatenated.scalars.map(\.bitPattern))
    }
}
