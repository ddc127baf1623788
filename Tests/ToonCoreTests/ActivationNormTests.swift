import Foundation
import Testing
@testable import ToonCore
import ToonTestSupport

@Suite("bias_act and pixel norm: values and gradients", .computeFromEnvironment)
struct ActivationNormTests {
    var random = TestRandom(seed: 12)

    /// Inputs kept away from the activation kink at x + b = 0 and from the clamp bound, where
    /// finite differences straddle two slopes.
    mutating func awayFromKinks(_ shape: [Int], bias: Tensor, clamp: Float?) -> Tensor {
        var x = random.tensor(shape, -2...2)
        let b = bias.scalars, inner = Shape.count(Array(shape[2...]))
        let c = shape[1]
        x.withUnsafeMutableBufferPointer { v in
            for i in 0..<v.count {
                let z = v[i] + b[(i / inner) % c]
                if Swift.abs(z) < 0.1 { v[i] += 0.3 }
                if let clamp {
                    let y = z > 0 ? z * Float(2.0.squareRoot()) : z * 0.2 * Float(2.0.squareRoot())
                    if Swift.abs(Swift.abs(y) - clamp) < 0.1 { v[i] += 0.25 }
                }
            }
        }
        return x
    }

    @Test("bias_act matches its definition: act(x + b) * gain, then clamp")
    func biasActValues() {
        let x = Tensor(shape: [1, 2, 1, 2], scalars: [-1, 2, 0.5, -3])
        let b = Tensor(shape: [2], scalars: [0.5, -1])
        let s = Float(2.0.squareRoot())
        #expect(x.biasActivation(b).scalars == [-0.5, 2.5, -0.5, -4])
        #expect(x.biasActivation(b, activation: .leakyReLU()).scalars == [-0.5 * 0.2 * s, 2.5 * s, -0.5 * 0.2 * s, -4 * 0.2 * s])
        #expect(x.biasActivation(b, activation: .relu, gain: 1).scalars == [0, 2.5, 0, 0])
        #expect(x.biasActivation(b, activation: .linear, gain: 2, clamp: 1).scalars == [-1, 1, -1, -1])
        // Bias along the last axis.
        let y = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).biasActivation(Tensor(shape: [2], scalars: [10, 20]), axis: -1)
        #expect(y.scalars == [11, 22, 13, 24])
    }

    @Test("bias_act differentiates once and twice in x and b",
          arguments: ["linear", "relu", "lrelu", "lrelu-clamp", "no-bias"])
    mutating func biasActGradients(mode: String) {
        let b = random.tensor([3], -0.5...0.5)
        let clamp: Float? = mode == "lrelu-clamp" ? 1.0 : nil
        let x = awayFromKinks([2, 3, 2, 2], bias: mode == "no-bias" ? .zeros([3]) : b, clamp: clamp)
        let activation: Activation = mode == "linear" ? .linear : (mode == "relu" ? .relu : .leakyReLU())
        let f: ([Tensor]) -> Tensor = { t in
            mode == "no-bias" ? t[0].biasActivation(activation: activation)
                : t[0].biasActivation(t[1], activation: activation, clamp: clamp)
        }
        checkGradients(of: f, at: [x, b])
        // Piecewise linear: second derivatives go through the constant mask, so square the output.
        checkSecondOrderGradients(of: { t in f(t).square() }, at: [x, b])
    }

    @Test("pixelNorm gives unit mean square along the channel axis")
    mutating func pixelNormValues() {
        let x = random.tensor([2, 8, 3, 3])
        let meanSquare = x.pixelNorm().square().mean(axes: [1]).scalars
        for v in meanSquare { #expect(Swift.abs(v - 1) < 1e-5) }
        #expect(x.normalize2ndMoment().scalars == x.pixelNorm().scalars)
        let latent = random.tensor([4, 16])
        for v in latent.normalize2ndMoment().square().mean(axes: [1]).scalars { #expect(Swift.abs(v - 1) < 1e-5) }
    }

    @Test("pixelNorm differentiates once and twice")
    mutating func pixelNormGradients() {
        let x = random.tensor([2, 4, 2, 2], 0.2...1.5)
        checkGradients(of: { $0[0].pixelNorm() }, at: [x])
        checkSecondOrderGradients(of: { $0[0].pixelNorm() }, at: [x])
    }
}
