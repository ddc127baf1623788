import Foundation
import Testing
import ToonCore
import ToonTestSupport
@testable import ToonNN

@Suite("Layers, parameter stores and the R1 penalty", .computeFromEnvironment)
struct LayerTests {
    @Test("strict validation names every missing, unexpected and mis-shaped parameter")
    func strictValidation() {
        var spec = ParameterSpec()
        EqualLinear("fc", inFeatures: 3, outFeatures: 2).declare(into: &spec)
        let store = ParameterStore([("fc.weight", Tensor.zeros([3, 2])), ("fc.extra", Tensor.zeros([1]))])
        do {
            try spec.validate(store)
            Issue.record("expected a mismatch")
        } catch {
            #expect(error.problems.contains("fc.weight has shape [3, 2], expected [2, 3]"))
            #expect(error.problems.contains("missing fc.bias"))
            #expect(error.problems.contains("unexpected fc.extra"))
        }
        #expect(throws: Never.self) { try spec.validate(spec.initialize(seed: 1)) }
    }

    @Test("initialisation is reproducible and has the declared scale")
    func initialization() {
        var spec = ParameterSpec()
        EqualLinear("m", inFeatures: 200, outFeatures: 100, lrMultiplier: 0.01, biasInit: 1).declare(into: &spec)
        let a = spec.initialize(seed: 3), b = spec.initialize(seed: 3)
        #expect(a["m.weight"].scalars == b["m.weight"].scalars)
        let w = a["m.weight"].scalars
        let std = (w.reduce(0) { $0 + Double($1 * $1) } / Double(w.count)).squareRoot()
        #expect(Swift.abs(std - 100) < 2)  // N(0, 1) / lrMultiplier
        #expect(a["m.bias"].scalars.allSatisfy { $0 == 100 })  // biasInit / lrMultiplier
    }

    @Test("EqualLinear computes lrelu(x W^T * gain + b * lr) * sqrt(2)")
    func equalLinearValues() {
        let layer = EqualLinear("fc", inFeatures: 2, outFeatures: 2, activation: .leakyReLU(), lrMultiplier: 0.5)
        let p = ParameterStore([("fc.weight", Tensor(shape: [2, 2], scalars: [1, 2, -3, 4])),
                                ("fc.bias", Tensor(shape: [2], scalars: [2, -8]))])
        let y = layer(Tensor(shape: [1, 2], scalars: [1, 1]), p).scalars
        let gain = Float(0.5) / Float(2).squareRoot()
        let pre: [Float] = [3 * gain + 1, 1 * gain - 4]
        let expected = pre.map { ($0 > 0 ? $0 : 0.2 * $0) * Float(2).squareRoot() }
        #expect(Swift.abs(y[0] - expected[0]) < 1e-6 && Swift.abs(y[1] - expected[1]) < 1e-6)
    }

    @Test("layers differentiate with respect to inputs and parameters")
    func layerGradients() {
        var random = TestRandom(seed: 5)
        let conv = EqualConv2d("c", inChannels: 3, outChannels: 4, kernel: 3, activation: .leakyReLU())
        let fc = EqualLinear("f", inFeatures: 4 * 5 * 5, outFeatures: 2, activation: .leakyReLU(), lrMultiplier: 0.1)
        let inputs = [random.tensor([2, 3, 5, 5]), random.tensor([4, 3, 3, 3]), random.tensor([4]),
                      random.tensor([2, 100]), random.tensor([2])]
        checkGradients(of: { t in
            let p = ParameterStore([("c.weight", t[1]), ("c.bias", t[2]), ("f.weight", t[3]), ("f.bias", t[4])])
            return fc(conv(t[0], p).flattenedBatch(), p)
        }, at: inputs)
    }

    @Test("the R1 penalty's gradient with respect to D's weights matches finite differences")
    func r1SecondOrder() {
        var random = TestRandom(seed: 11)
        // A smooth activation: with leaky ReLU, R1 is piecewise constant in the biases (zero
        // derivative almost everywhere) and finite differences straddling a kink say otherwise.
        let conv = EqualConv2d("c", inChannels: 2, outChannels: 3, kernel: 3)
        let fc = EqualLinear("f", inFeatures: 3 * 4 * 4, outFeatures: 1)
        let reals = random.tensor([2, 2, 4, 4])
        let inputs = [random.tensor([3, 2, 3, 3]), random.tensor([3]), random.tensor([1, 48])]
        checkGradients(of: { t in
            withGradients {
                let p = ParameterStore([("c.weight", t[0]), ("c.bias", t[1]), ("f.weight", t[2]), ("f.bias", Tensor.zeros([1]))])
                let x = reals.requiringGrad()
                let logits = fc(conv(x, p).softplus().flattenedBatch(), p)
                return GANLoss.r1Penalty(realLogits: logits, reals: x)
            }
        }, at: inputs, step: 5e-3)
    }

    @Test("GAN losses are the softplus forms")
    func losses() {
        let fake = Tensor(shape: [2], scalars: [0, 2]), real = Tensor(shape: [2], scalars: [1, -1])
        let softplus = { (x: Float) in Foundation.log(1 + Foundation.exp(x)) }
        #expect(Swift.abs(GANLoss.generator(fakeLogits: fake).scalar - (softplus(0) + softplus(-2)) / 2) < 1e-6)
        let d = (softplus(0) + softplus(2)) / 2 + (softplus(-1) + softplus(1)) / 2
        #expect(Swift.abs(GANLoss.discriminator(fakeLogits: fake, realLogits: real).scalar - d) < 1e-6)
    }

    @Test("EqualConv2d's fused inference equals its recorded path, plain and downsampling, clamp included",
          arguments: [(3, 1), (3, 5), (1, 8), (3, 20)])
    func equalConvInferenceMatchesRecorded(kernel: Int, channels: Int) {
        var random = TestRandom(seed: UInt64(kernel * 100 + channels))
        let layer = EqualConv2d("c", inChannels: channels, outChannels: channels + 3, kernel: kernel,
                                activation: .leakyReLU(slope: 0.2), clamp: 0.7)
        var spec = ParameterSpec()
        layer.declare(into: &spec)
        var p = spec.initialize(seed: 3)
        p.update("c.bias", to: random.tensor([channels + 3]))
        let x = random.tensor([2, channels, 16, 16]), leaf = x.requiringGrad()
        for down in [false, true] {
            let filter = setupFilter([1, 3, 3, 1])
            let fused = down ? layer(x, p, gain: 1.5, downsampling: filter) : layer(x, p, gain: 1.5)
            let recorded = down ? layer(leaf, p, gain: 1.5, downsampling: filter) : layer(leaf, p, gain: 1.5)
            #expect(recorded.requiresGrad && !fused.requiresGrad)
            let difference = zip(fused.scalars, recorded.scalars).map { abs($0 - $1) }.max()!
            #expect(difference <= 1e-5, "down \(down): \(difference)")
        }
    }
}
