import Testing
import StyleGAN
import ToonCore
import ToonNN
import ToonTestSupport

/// The generator as training differentiates it: the recording path (plain ops) against the fused
/// inference path, and its gradients against finite differences, first and second order.
///
/// Whole-network checks go along one random direction of the weight (a directional derivative) with
/// a step of 1e-3: element-wise differences through ten layers of leaky ReLUs and demodulation are
/// dominated by curvature and kinks at 1e-2 and by float32 rounding at 1e-3, and a direction averages
/// the rounding away. (At 4e-3 a kink is crossed; from 2.5e-4 rounding shows: 1e-3 and 5e-4 agree
/// with autodiff to 0.2%.)
@Suite(.computeFromEnvironment) struct GeneratorGradientTests {
    let config = GeneratorConfig(zDim: 8, wDim: 8, imageResolution: 16, mappingLayers: 2, channelBase: 64, channelMax: 8)

    func generator() throws -> Generator {
        var p = Generator.spec(config).initialize(seed: 3)
        // Non-zero noise strengths and biases, so every term of the layers is exercised.
        for name in p.names where name.hasSuffix("noise_strength") || name.hasSuffix(".bias") {
            p.update(name, to: p[name] + 0.3)
        }
        return try Generator(config: config, parameters: p)
    }

    /// <grad f(w), v> against (f(w + h v) - f(w - h v)) / 2h for a random unit-scale direction v,
    /// where f is the scalar objective; f runs with recording on (the path training uses).
    func checkDirectionalDerivative(_ f: (Tensor) -> Tensor, at w: Tensor, step h: Float = 1e-3, tolerance: Double = 2e-2,
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        var random = TestRandom(seed: 21)
        // Scaled to the weight's own size: mapping weights are stored x100 (lr multiplier 0.01).
        let rms = (w.square().mean().scalar).squareRoot()
        let v = random.tensor(w.shape) * max(rms, 1e-2)
        let leaf = w.requiringGrad()
        let analytic = withGradients {
            zip(gradients(of: f(leaf), wrt: [leaf])[0].scalars, v.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        func value(_ t: Tensor) -> Double { withGradients { Double(f(t.requiringGrad()).scalar) } }
        let numeric = (value(w + v * h) - value(w - v * h)) / Double(2 * h)
        let error = abs(numeric - analytic) / max(abs(numeric), abs(analytic), 1e-3)
        #expect(error < tolerance, "directional derivative: autodiff \(analytic), finite difference \(numeric)",
                sourceLocation: sourceLocation)
    }

    @Test func recordingPathMatchesFusedInference() throws {
        let g = try generator()
        let z = Tensor.randomNormal(shape: [3, 8], seed: 1)
        let fused = g(z: z, noise: .random(seed: 4))
        var training = g
        training.parameters = g.parameters.requiringGrad()
        let recorded = training.synthesis(ws: training.mapping(z: z), noise: .random(seed: 4))
        #expect(recorded.requiresGrad)
        let worst = zip(fused.scalars, recorded.scalars).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5, "fused and recorded outputs differ by \(worst)")
    }

    @Test(arguments: ["synthesis.b8.conv0.weight", "synthesis.b16.conv1.affine.weight", "mapping.fc1.weight",
                      "synthesis.b16.torgb.weight", "synthesis.b4.const", "synthesis.b8.conv1.noise_strength",
                      "synthesis.b16.conv0.bias"])
    func weightGradientsMatchFiniteDifferences(name: String) throws {
        let g = try generator()
        let z = Tensor.randomNormal(shape: [2, 8], seed: 2)
        let probe = Tensor.randomNormal(shape: [2, 3, 16, 16], seed: 9)
        checkDirectionalDerivative({ w in
            var net = g
            net.parameters.update(name, to: w)
            return (net.synthesis(ws: net.mapping(z: z), noise: .random(seed: 5)) * probe).sum()
        }, at: g.parameters[name])
    }

    /// Path length: the norm of the gradient of <image, noise> with respect to ws, differentiated
    /// again with respect to a weight.
    @Test(arguments: ["synthesis.b8.conv1.weight", "synthesis.b16.conv0.affine.weight"])
    func pathLengthHasSecondOrderGradients(name: String) throws {
        let g = try generator()
        let ws = g.mapping(z: Tensor.randomNormal(shape: [2, 8], seed: 6))
        let probe = Tensor.randomNormal(shape: [2, 3, 16, 16], seed: 7)
        checkDirectionalDerivative({ w in
            var net = g
            net.parameters.update(name, to: w)
            let leaf = ws.requiringGrad()
            let grad = gradients(of: (net.synthesis(ws: leaf, noise: .const) * probe).sum(), wrt: [leaf], createGraph: true)[0]
            return grad.square().sum(axes: [2]).mean(axes: [1]).sqrt().sum()
        }, at: g.parameters[name])
    }
}
