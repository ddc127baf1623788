import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

/// The stride-2 transposed convolution by Winograd F(2, 2) per phase, against a Double sum.
@Suite("Winograd stride-2 transposed convolution", .computeFromEnvironment)
struct WinogradUpTests {
    static func geometry(_ input: [Int], outChannels: Int) -> ConvGeometry {
        ConvGeometry.transposed(input: input, weight: [input[1], outChannels, 3, 3], stride: (2, 2), padding: (0, 0),
                                groups: 1, outputSize: (2 * input[2] + 1, 2 * input[3] + 1))
    }

    @Test("takes exactly the 3x3, stride-2, unpadded transposed convolutions with enough pixels and channels")
    func applicability() {
        #expect(ConvWinogradUp.applies(Self.geometry([1, 16, 8, 8], outChannels: 16)))
        #expect(ConvWinogradUp.applies(Self.geometry([4, 512, 4, 4], outChannels: 512)))
        #expect(ConvWinogradUp.applies(Self.geometry([1, 512, 4, 4], outChannels: 512)))  // a generator's first up layer
        #expect(!ConvWinogradUp.applies(Self.geometry([1, 16, 3, 4], outChannels: 16)))   // too few pixels
        #expect(!ConvWinogradUp.applies(Self.geometry([1, 8, 8, 8], outChannels: 16)))    // too few channels
        let padded = ConvGeometry.transposed(input: [1, 16, 8, 8], weight: [16, 16, 3, 3], stride: (2, 2),
                                             padding: (1, 1), groups: 1, outputSize: (15, 15))
        #expect(!ConvWinogradUp.applies(padded))
        let outputPadded = ConvGeometry.transposed(input: [1, 16, 8, 8], weight: [16, 16, 3, 3], stride: (2, 2),
                                                   padding: (0, 0), groups: 1, outputSize: (18, 18))
        #expect(!ConvWinogradUp.applies(outputPadded))
    }

    // 9 * I terms per output at most, values in [-1, 1]. Measured from the Double sum: 1.7e-6 (I 16)
    // and 8e-6 (I 64), where im2col with col2im is off by 1e-6 and 4.8e-6; bound 1e-7 per term.
    @Test("transposedConv2d through Winograd matches the direct sum",
          arguments: [([1, 16, 8, 8], 16), ([2, 20, 5, 9], 24), ([4, 16, 4, 4], 32), ([1, 24, 4, 4], 16), ([1, 16, 2, 8], 16), ([1, 32, 16, 14], 16), ([3, 16, 7, 6], 17),
                      ([1, 16, 12, 20], 16), ([1, 16, 6, 35], 16)])
    func matchesDirect(_ c: ([Int], Int)) {
        let (shape, outChannels) = c
        var random = TestRandom(seed: UInt64(shape.reduce(outChannels, +)))
        let x = random.tensor(shape), w = random.tensor([shape[1], outChannels, 3, 3])
        #expect(ConvWinogradUp.applies(Self.geometry(shape, outChannels: outChannels)))
        let z = x.transposedConv2d(w, stride: 2)
        let expected = ConvTests.transposedDirect(x, w, stride: 2, padding: 0, outputPadding: 0)
        #expect(z.shape == [shape[0], outChannels, 2 * shape[2] + 1, 2 * shape[3] + 1])
        #expect(maxAbsDifference(z.scalars, expected) < 1e-7 * Float(9 * shape[1]))
    }

    @Test("first- and second-order gradients of a Winograd-sized transposed conv agree with finite differences")
    func finiteDifferences() {
        var random = TestRandom(seed: 5)
        let x = random.tensor([1, 16, 8, 8], -0.5...0.5), w = random.tensor([16, 16, 3, 3], -0.5...0.5)
        #expect(ConvWinogradUp.applies(Self.geometry(x.shape, outChannels: 16)))
        let f: ([Tensor]) -> Tensor = { t in t[0].transposedConv2d(t[1], stride: 2).square() }
        checkGradients(of: f, at: [x, w])
        checkSecondOrderGradients(of: f, at: [x, w])
    }

    @Test("the inference transposedConv2d with an input scale equals scaling first, on both paths",
          arguments: [(0, 16), (1, 16), (0, 4)])
    func inputScaleOp(_ c: (Int, Int)) {
        let (padding, channels) = c
        var random = TestRandom(seed: UInt64(padding * 7 + channels))
        let x = random.tensor([2, channels, 9, 8]), w = random.tensor([channels, 16, 3, 3]), scale = random.tensor([2, channels])
        let g = ConvGeometry.transposed(input: x.shape, weight: w.shape, stride: (2, 2), padding: (padding, padding), groups: 1,
                                        outputSize: (17 + 2 - 2 * padding, 15 + 2 - 2 * padding))
        #expect(ConvWinogradUp.applies(g) == (padding == 0 && channels >= 16))
        let z = x.transposedConv2d(w, stride: 2, padding: padding, inputScale: scale)
        let expected = ConvTests.transposedDirect(x * scale.reshaped([2, channels, 1, 1]), w, stride: 2, padding: padding,
                                                  outputPadding: 0)
        #expect(maxAbsDifference(z.scalars, expected) < 1e-7 * Float(9 * 16))
    }

    @Test("many bands per image and an input scale give the direct result", arguments: [1, 3])
    func bandsAndScale(images: Int) {
        var random = TestRandom(seed: UInt64(40 + images))
        let (inChannels, outChannels, h, w) = (16, 18, 13, 10)
        let x = random.tensor([images, inChannels, h, w]), weight = random.tensor([inChannels, outChannels, 3, 3])
        let scale = random.tensor([images, inChannels])
        let g = Self.geometry(x.shape, outChannels: outChannels)
        let budget = ConvWinogradUp.floatsPerTile * outChannels * ConvWinogradUp.tiles(g).x * 2
        #expect(ConvWinogradUp.tasks(g, budget: budget).count == images * 4)  // 7 tile rows in bands of 2
        var z = Tensor.zeros(g.inputShape)
        ScratchBuffers.with(count: 1, floats: [16 * inChannels * outChannels]) { scratch in
            let u = scratch[0]
            x.withUnsafeBufferPointer { px in weight.withUnsafeBufferPointer { pw in scale.withUnsafeBufferPointer { ps in
                ConvWinogradUp.transformWeights(pw.baseAddress!, inChannels: inChannels, outChannels: outChannels, into: u[0])
                z.withUnsafeMutableBufferPointer {
                    ConvWinogradUp.forward(x: px.baseAddress!, u: u[0], z: $0.baseAddress!, g, inputScale: ps.baseAddress!, budget: budget)
                }
            } } }
        }
        let scaled = x * scale.reshaped([images, inChannels, 1, 1])
        let expected = ConvTests.transposedDirect(scaled, weight, stride: 2, padding: 0, outputPadding: 0)
        #expect(maxAbsDifference(z.scalars, expected) < 1e-7 * Float(9 * inChannels))
    }
}
