import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport
@testable import StyleGAN

/// The inference form of the modulated convolution (modulation in the column copy or in per-sample
/// weights, demodulation, noise, bias and activation in the epilogue) against the differentiable
/// form followed by bias_act. Same products in another order: within 1e-5 of values of order 1.
@Suite("Modulated convolution: fused inference form equals the differentiable one", .computeFromEnvironment)
struct ModulatedConvInferenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n: Int, size: Int, kernel: Int, up: Bool, demodulate: Bool
        var testDescription: String { "n\(n) \(size)px k\(kernel)\(up ? " up" : "")\(demodulate ? " demod" : "")" }
    }

    static let cases: [Case] = [
        Case(n: 1, size: 4, kernel: 3, up: false, demodulate: true),
        Case(n: 3, size: 8, kernel: 3, up: false, demodulate: true),
        Case(n: 2, size: 36, kernel: 3, up: false, demodulate: true),
        Case(n: 1, size: 8, kernel: 3, up: true, demodulate: true),
        Case(n: 3, size: 8, kernel: 3, up: true, demodulate: true),   // shared weights, modulated input
        Case(n: 2, size: 32, kernel: 3, up: true, demodulate: true),  // per-sample weights
        Case(n: 2, size: 16, kernel: 1, up: false, demodulate: false),
    ]

    @Test("fused and unfused agree", arguments: cases)
    func agree(_ c: Case) {
        var random = TestRandom(seed: UInt64(c.n * 100 + c.size + (c.up ? 7 : 0)))
        let (cin, cout) = (6, 5)
        let x = random.tensor([c.n, cin, c.size, c.size]), weight = random.tensor([cout, cin, c.kernel, c.kernel])
        let styles = random.tensor([c.n, cin], 0.5...1.5), bias = random.tensor([cout])
        let outSize = c.up ? 2 * c.size : c.size
        let noise = random.tensor([outSize, outSize])
        let filter = setupFilter([1, 3, 3, 1])
        let activation = Activation.leakyReLU(slope: 0.2)
        let epilogue = ConvEpilogue(noise: noise, noiseStrength: 0.3, bias: bias, activation: activation,
                                    gain: activation.defaultGain, clamp: 2)
        let fused = ModulatedConv.inference(x, weight: weight, styles: styles, demodulate: c.demodulate, up: c.up,
                                            filter: filter, epilogue: epilogue)
        let reference = ModulatedConv.apply(x, weight: weight, styles: styles, demodulate: c.demodulate, up: c.up,
                                            filter: filter, noise: noise.reshaped([1, 1, outSize, outSize]) * Float(0.3))
            .biasActivation(bias, activation: activation, gain: activation.defaultGain, clamp: 2)
        #expect(fused.shape == reference.shape)
        let error = zip(fused.scalars, reference.scalars).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(error < 1e-5, "max error \(error)")
    }

    @Test("an up layer reads its weight through a transposed view and keeps no transposed copy")
    func upLayerKeepsNoTransposedCopy() {
        var random = TestRandom(seed: 5)
        let (cin, cout) = (24, 16)
        let x = random.tensor([1, cin, 16, 16]), weight = random.tensor([cout, cin, 3, 3])
        let styles = random.tensor([1, cin], 0.5...1.5)
        let epilogue = ConvEpilogue(noise: nil, noiseStrength: 0, bias: random.tensor([cout]),
                                    activation: .linear, gain: 1, clamp: nil)
        let filter = setupFilter([1, 3, 3, 1])
        let first = ModulatedConv.inference(x, weight: weight, styles: styles, demodulate: true, up: true,
                                            filter: filter, epilogue: epilogue)
        let second = ModulatedConv.inference(x, weight: weight, styles: styles, demodulate: true, up: true,
                                             filter: filter, epilogue: epilogue)
        #expect(first.scalars == second.scalars)
        let kept = weight.storage.derivedShapes
        #expect(!kept.isEmpty, "the weight's energy and transform are derived once")
        #expect(!kept.contains([cin, cout, 3, 3]), "kept beside the weight: \(kept)")
    }
}
