import Testing
@testable import ToonCore
import ToonTestSupport

/// The projection's fused op: values and gradients equal the composed ops it stands for.
@Suite("scaledConv2d: one recorded op equals the composed ops, once and twice differentiated", .computeFromEnvironment)
struct ScaledConvTests {
    /// One layer's inputs: N images of I channels, H x W, O output channels, a 3x3 (or 1x1) weight.
    struct Layer {
        var x, weight, inputScale, outputScale, noise, bias: Tensor
        var upsampling: ConvUpsampling?
        var epilogue: ConvEpilogue

        init(n: Int, i: Int, o: Int, size: Int, kernel: Int = 3, up: Bool = false, sharedNoise: Bool = true,
             activation: Activation = .leakyReLU(slope: 0.2), clamp: Float? = nil, seed: UInt64) {
            var random = TestRandom(seed: seed)
            x = random.tensor([n, i, size, size])
            weight = random.tensor([o, i, kernel, kernel])
            inputScale = random.tensor([n, i], 0.5...1.5)
            outputScale = random.tensor([n, o], 0.3...1.2)
            let out = up ? 2 * size : size
            noise = sharedNoise ? random.tensor([out, out]) : random.tensor([n, 1, out, out])
            bias = random.tensor([o], -0.3...0.3)
            upsampling = up ? ConvUpsampling(filter: setupFilter([1, 3, 3, 1]), overlap: 0, padding: 1) : nil
            epilogue = ConvEpilogue(noiseStrength: 0.7, bias: bias, activation: activation, gain: activation.defaultGain,
                                    clamp: clamp)
        }

        /// The op on inputs [x, inputScale, outputScale, noise].
        func fused(_ t: [Tensor]) -> Tensor {
            t[0].scaledConv2d(weight, padding: weight.shape[2] / 2, upsampling: upsampling, inputScale: t[1],
                              outputScale: t[2], noise: t[3], epilogue: epilogue)
        }

        func composed(_ t: [Tensor]) -> Tensor {
            Tensor.scaledConvComposed(ScaledConvInputs(x: t[0], weight: weight, padding: weight.shape[2] / 2,
                                                       upsampling: upsampling, inputScale: t[1], outputScale: t[2],
                                                       noise: t[3], epilogue: epilogue))
        }

        var inputs: [Tensor] { [x, inputScale, outputScale, noise] }

        /// The same layer with a linear activation and no clamp: a finite step that crosses a kink
        /// of leaky ReLU or the clamp would measure the average slope across it. (The kinks are
        /// checked against the composed ops, whose own gradients are checked elsewhere.)
        var smooth: Layer {
            var layer = self
            layer.epilogue = ConvEpilogue(noiseStrength: epilogue.noiseStrength, bias: bias, activation: .linear, gain: 1.3)
            return layer
        }
    }

    static let layers: [(String, Layer)] = [
        ("3x3", Layer(n: 2, i: 3, o: 4, size: 6, seed: 1)),
        ("3x3, noise per image, clamp", Layer(n: 2, i: 3, o: 4, size: 6, sharedNoise: false, clamp: 0.8, seed: 2)),
        ("3x3 upsampling", Layer(n: 2, i: 3, o: 4, size: 5, up: true, sharedNoise: false, seed: 3)),
        ("1x1, linear", Layer(n: 1, i: 5, o: 3, size: 4, kernel: 1, activation: .linear, seed: 4)),
        ("3x3, ReLU", Layer(n: 1, i: 4, o: 4, size: 5, activation: .relu, seed: 5)),
        // Sizes where the convolutions take their Winograd paths.
        ("3x3 wide", Layer(n: 1, i: 16, o: 24, size: 12, seed: 6)),
        ("3x3 wide upsampling", Layer(n: 1, i: 16, o: 24, size: 9, up: true, seed: 7)),
    ]

    @Test("values and every input's gradient equal the composed ops'", arguments: 0..<layers.count)
    func matchesComposed(_ index: Int) {
        let layer = Self.layers[index].1
        let fused = layer.fused(layer.inputs), composed = withoutGradients { layer.composed(layer.inputs) }
        let scale = composed.scalars.map(abs).max()!
        #expect(maxAbsDifference(fused.scalars, composed.scalars) <= 1e-5 * scale, "\(Self.layers[index].0)")
        var random = TestRandom(seed: 11)
        let seed = random.tensor(fused.shape)
        let leaves = layer.inputs.map { $0.requiringGrad() }
        let fusedGrads = gradients(of: layer.fused(leaves), wrt: leaves, seed: seed)
        let composedGrads = gradients(of: layer.composed(leaves), wrt: leaves, seed: seed)
        for (name, (a, b)) in zip(["x", "input scale", "output scale", "noise"], zip(fusedGrads, composedGrads)) {
            let size = b.scalars.map(abs).max()!
            #expect(size > 0 && maxAbsDifference(a.scalars, b.scalars) <= 2e-5 * size,
                    "\(Self.layers[index].0): \(name) gradient off by \(maxAbsDifference(a.scalars, b.scalars)) of \(size)")
        }
    }

    @Test("gradients match finite differences", arguments: [0, 2, 3])
    func finiteDifferences(_ index: Int) {
        let layer = Self.layers[index].1.smooth
        checkGradients(of: layer.fused, at: layer.inputs)
    }

    @Test("only the gradients asked for are computed, and they are the same")
    func partialRequests() {
        let layer = Self.layers[2].1
        var random = TestRandom(seed: 12)
        let seed = random.tensor(withoutGradients { layer.fused(layer.inputs) }.shape)
        let x = layer.x, scale = layer.inputScale.requiringGrad(), noise = layer.noise.requiringGrad()
        let both = gradients(of: layer.fused([x, scale, layer.outputScale, noise]), wrt: [scale, noise], seed: seed)
        let composed = gradients(of: layer.composed([x, scale, layer.outputScale, noise]), wrt: [scale, noise], seed: seed)
        for (a, b) in zip(both, composed) {
            #expect(maxAbsDifference(a.scalars, b.scalars) <= 2e-5 * b.scalars.map(abs).max()!)
        }
    }

    @Test("gradients of gradients go through the composed ops", arguments: [0, 2])
    func secondOrder(_ index: Int) {
        let layer = Self.layers[index].1.smooth
        // Input 0 is x; the output scale stays a constant.
        checkSecondOrderGradients(of: { layer.fused([$0[0], $0[1], layer.outputScale, $0[2]]) },
                                  at: [layer.x, layer.inputScale, layer.noise])
    }

    @Test("a zero output scale still gives that scale's gradient")
    func zeroOutputScale() {
        var layer = Self.layers[0].1
        layer.outputScale.withUnsafeMutableBufferPointer { $0[1] = 0 }
        let leaves = layer.inputs.map { $0.requiringGrad() }
        let fused = gradients(of: layer.fused(leaves).square().sum(), wrt: leaves)
        let composed = gradients(of: layer.composed(leaves).square().sum(), wrt: leaves)
        for (a, b) in zip(fused, composed) {
            #expect(maxAbsDifference(a.scalars, b.scalars) <= 2e-5 * b.scalars.map(abs).max()!)
        }
    }
}

