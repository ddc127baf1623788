import Foundation
import StyleGAN
import Testing
import ToonCore
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Toonify

@Suite("projection: schedules, noise penalty, and recovering the network's own images", .computeFromEnvironment)
struct ProjectionTests {
    @Test("learning rate and w perturbation follow NVLabs' ramps")
    func schedules() {
        let s = ProjectionSettings()
        #expect(s.learningRate(at: 0) == 0)
        #expect(abs(s.learningRate(at: 25) - 0.05) < 1e-12)   // halfway up the 5% ramp-up
        #expect(s.learningRate(at: 500) == 0.1)
        #expect(abs(s.learningRate(at: 875) - 0.05) < 1e-12)  // halfway down the cosine
        #expect(s.wNoiseScale(at: 0, wStd: 2) == 0.1)
        #expect(abs(s.wNoiseScale(at: 375, wStd: 2) - 0.025) < 1e-12)
        #expect(s.wNoiseScale(at: 750, wStd: 2) == 0)
    }

    @Test("the noise penalty is zero for maps with no autocorrelation and grows with it")
    func noisePenalty() {
        // A checkerboard: each pixel times its neighbour is -1 everywhere, at 16 px; the 8 px pool is all zeros.
        let checker = Tensor(shape: [16, 16], scalars: (0..<256).map { ($0 / 16 + $0 % 16) % 2 == 0 ? 1 : -1 })
        #expect(abs(NoiseRegularization.penalty([checker]).scalar - 2) < 1e-6)
        let flat = Tensor(repeating: 1, shape: [16, 16])
        #expect(abs(NoiseRegularization.penalty([flat]).scalar - 4) < 1e-6)   // 1 + 1 at 16 px and at 8 px
        let normalized = NoiseRegularization.normalized(Tensor(shape: [2, 2], scalars: [1, 2, 3, 6]))
        let values = normalized.scalars
        #expect(abs(values.reduce(0, +)) < 1e-6 && abs(values.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-6)
    }

    @Test("the noise penalty differentiates (finite differences)")
    func noisePenaltyGradient() {
        var random = TestRandom(seed: 3)
        checkGradients(of: { NoiseRegularization.penalty([$0[0], $0[1]]) }, at: [random.tensor([16, 16]), random.tensor([4, 4])])
    }

    /// A small random generator at 32 px projects its own image of a random latent: with the pixel
    /// objective and a few dozen steps the distance must fall well below its start, in w and in w+.
    @Test("projection brings the image closer to the network's own image", arguments: [false, true])
    func recoversOwnImage(wPlus: Bool) throws {
        let config = GeneratorConfig(zDim: 32, wDim: 32, imageResolution: 32, mappingLayers: 2, channelBase: 256, channelMax: 32)
        let generator = try Generator(config: config, parameters: Generator.spec(config).initialize(seed: 4))
        let target = generator(z: Tensor.randomNormal(shape: [1, 32], seed: 9))
        var settings = ProjectionSettings()
        settings.steps = 40
        settings.wPlus = wPlus
        settings.wAverageSamples = 200
        let projector = try Projector(generator: generator, objective: .pixelAndMultiScaleSSIM, settings: settings)
        var distances: [Double] = []
        let result = try projector.project(target) { distances.append($0.distance) }
        #expect(distances.count == 40 && result.ws.shape == [1, generator.numWs, 32])
        #expect(result.distance < 0.5 * distances[0], "distance \(distances[0]) -> \(result.distance)")
        if !wPlus { #expect(result.ws.slice(axis: 1, 0..<1).scalars == result.ws.slice(axis: 1, 1..<2).scalars) }
    }

    @Test("an error thrown by onStep stops the projection at that step and is passed on")
    func onStepStops() throws {
        struct Stop: Error {}
        let config = GeneratorConfig(zDim: 8, wDim: 8, imageResolution: 16, mappingLayers: 1, channelBase: 64, channelMax: 8)
        let generator = try Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
        var settings = ProjectionSettings()
        (settings.steps, settings.wAverageSamples) = (50, 10)
        let projector = try Projector(generator: generator, objective: .pixelAndMultiScaleSSIM, settings: settings)
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try projector.project(Tensor.zeros([1, 3, 16, 16])) { step in
                seen.append(step.index)
                if step.index == 2 { throw Stop() }
            }
        }
        #expect(seen == [1, 2])
    }

    @Test("a target of the wrong size is refused with its shape")
    func wrongTarget() throws {
        let config = GeneratorConfig(zDim: 8, wDim: 8, imageResolution: 16, mappingLayers: 1, channelBase: 64, channelMax: 8)
        let generator = try Generator(config: config, parameters: Generator.spec(config).initialize(seed: 1))
        var settings = ProjectionSettings()
        settings.wAverageSamples = 10
        let projector = try Projector(generator: generator, objective: .pixelAndMultiScaleSSIM, settings: settings)
        #expect(throws: ProjectionError.target("shape [1, 3, 32, 32], expected [1, 3, 16, 16]")) {
            try projector.project(Tensor.zeros([1, 3, 32, 32]))
        }
        settings.steps = 0
        #expect(throws: ProjectionError.invalid("steps must be at least 1, not 0")) {
            try Projector(generator: generator, objective: .pixelAndMultiScaleSSIM, settings: settings)
        }
    }
}

@Suite("projection target: NVLabs' loading of the photo")
struct ProjectionTargetTests {
    @Test("the centred square of a wide grey image with alpha, as RGB codes in [-1, 1]")
    func centredSquareOfGreyAlpha() {
        // 4 x 2 grey + alpha: columns 1 and 2 are the centred square; alpha is dropped, not composited.
        let grey: [Float] = [0, 1, 0.5, 0, 0, 0.2, 0.6, 0]
        let image = Image(width: 4, height: 2, channels: 2, samples: grey + [Float](repeating: 0, count: 8))
        let target = ProjectionTarget.tensor(from: image, resolution: 2)
        #expect(target.shape == [1, 3, 2, 2])
        let codes = target.scalars.map { (($0 + 1) * 127.5).rounded() }
        // 8-bit codes of 1, 0.5 / 0.2, 0.6 (half up: 127.5 -> 128, 51, 153), the same in R, G and B.
        #expect(codes == Array([[255, 128, 51, 153]].joined()).map(Float.init) + [255, 128, 51, 153] + [255, 128, 51, 153])
    }
}
