import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonIO
import ToonTestSupport

/// The original StyleGAN's generator as training differentiates it: the recording path (composed
/// ops) against the fused inference epilogue, its gradients against the official code's (c16.pkl:
/// d <image, weights> / d ws through G_synthesis, d <w, weights> / d z through G_mapping; within 1e-4
/// of the reference gradient's range) and against finite differences for every kind of v1 weight,
/// in both upsampling forms (c16 unfused, b16 fused with pixel norm, relu and no wscale).
@Suite("StyleGAN (v1) generator gradients", .computeFromEnvironment)
struct StyleGAN1GeneratorGradientTests {
    static func generator(_ name: String) throws -> Generator {
        var g = try GeneratorLoader.load(StyleGAN1DiscriminatorTests.folder.appendingPathComponent(name)).generator
        // b16 is stored mid-growth (lod 0.6); training runs at lod 0.
        g.parameters.update("lod", to: Tensor(shape: [], scalars: [0]))
        g.parameters.update("synthesis.lod", to: Tensor(shape: [], scalars: [0]))
        return g
    }

    @Test("recording the tape computes what the fused inference path computes (1e-5 of the range)", arguments: ["c16.pkl", "b16.pkl"])
    func recordingPathMatchesFusedInference(name: String) throws {
        let g = try Self.generator(name)
        let z = Tensor.randomNormal(shape: [3, g.config.zDim], seed: 1)
        let c = g.config.cDim > 0 ? Tensor(shape: [3, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1]) : nil
        let fused = g(z: z, c: c, noise: .random(seed: 4))
        var training = g
        training.parameters = g.parameters.requiringGrad()
        let recorded = withGradients { training.synthesis(ws: training.mapping(z: z, c: c), noise: .random(seed: 4)) }
        #expect(recorded.requiresGrad)
        let range = fused.scalars.max()! - fused.scalars.min()!
        let worst = zip(fused.scalars, recorded.scalars).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5 * range, "fused and recorded outputs differ by \(worst) (range \(range))")
    }

    @Test("c16.pkl: d <image, weights> / d ws and d <w, weights> / d z equal the official code's")
    func gradientsMatchOfficial() throws {
        let g = try Self.generator("c16.pkl")
        let fixture = StyleGAN1DiscriminatorTests.fixture
        let ws = try fixture("c16_ws.npy"), z = try fixture("c16_z.npy")
        let imageWeights = try fixture("c16_img_weights.npy"), wWeights = try fixture("c16_w_weights.npy")
        let (image, wsGradient) = withGradients {
            let x = ws.requiringGrad()
            let image = g.synthesis(ws: x)
            return (image.detached(), gradients(of: (image * imageWeights).sum(), wrt: [x])[0])
        }
        StyleGAN1DiscriminatorTests.expectClose(image, try fixture("c16_img.npy"), "image")
        StyleGAN1DiscriminatorTests.expectClose(wsGradient, try fixture("c16_ws_grad.npy"), "d/d ws")
        let zGradient = withGradients {
            let x = z.requiringGrad()
            return gradients(of: (g.mapping(z: x) * wWeights).sum(), wrt: [x])[0]
        }
        StyleGAN1DiscriminatorTests.expectClose(zGradient, try fixture("c16_z_grad.npy"), "d/d z")
    }

    /// Directional derivatives along a random direction of each weight, scaled to the weight's size
    /// (GeneratorGradientTests' check: central differences, 2%), for every kind of v1 weight. Single
    /// elements do not work here: the mapping's weights and biases act through the 0.01 lr
    /// multiplier, so an element step drowns in float32 rounding.
    @Test(arguments: [
        ("c16.pkl", "synthesis.b8.conv0.weight", Float(1e-3)), ("c16.pkl", "synthesis.b16.conv1.style.weight", 1e-3),
        ("c16.pkl", "mapping.fc1.weight", 1e-3), ("c16.pkl", "mapping.fc0.bias", 1e-1), ("c16.pkl", "synthesis.b16.torgb.weight", 1e-3),
        ("c16.pkl", "synthesis.b8.conv1.noise_strength", 1e-3), ("c16.pkl", "synthesis.b4.input.style.bias", 1e-3),
        ("c16.pkl", "synthesis.b16.conv0.bias", 1e-3), ("c16.pkl", "synthesis.b4.const", 3e-4),
        ("b16.pkl", "synthesis.b16.conv0.weight", 1e-3), ("b16.pkl", "synthesis.b8.conv1.style.weight", 1e-3),
        ("b16.pkl", "mapping.label_concat.weight", 1e-4),
    ])
    func weightGradientsMatchFiniteDifferences(file: String, name: String, step: Float) throws {
        let g = try Self.generator(file)
        let z = Tensor.randomNormal(shape: [2, g.config.zDim], seed: 2)
        let c = g.config.cDim > 0 ? Tensor(shape: [2, 3], scalars: [0, 1, 0, 0, 0, 1]) : nil
        let r = g.config.imageResolution
        let probe = Tensor.randomNormal(shape: [2, 3, r, r], seed: 9)
        GeneratorGradientTests().checkDirectionalDerivative({ w in
            var net = g
            net.parameters.update(name, to: w)
            return (net.synthesis(ws: net.mapping(z: z, c: c), noise: .random(seed: 5)) * probe).sum()
        }, at: g.parameters[name], step: step)
    }
}
