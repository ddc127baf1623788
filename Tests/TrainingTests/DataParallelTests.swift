import StyleGAN
import Testing
import ToonCore
import ToonTestSupport
@testable import Training

/// The pieces that let a rank of a data-parallel job compute its share of a batch (docs/distributed.md):
/// every per-image draw is made for the whole batch and sliced, so a share's images come out as the
/// whole batch's same rows. The job itself runs under mpirun in ToonCLITests (TrainClusterCommandTests).
@Suite(.computeFromEnvironment) struct DataParallelTests {
    /// Rows `rows` of a [N, ...] tensor.
    func rows(_ t: Tensor, _ rows: [Int]) -> [Float] { t.rows(rows).scalars }

    /// Largest |a - b|: each image's arithmetic is the same whichever batch it is in, up to how a
    /// kernel splits a batch (1e-6 at these magnitudes; equal in practice for the pointwise ones).
    func maxDifference(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }

    @Test func diffAugmentShareIsTheWholeBatchsRows() {
        var random = TestRandom(seed: 1)
        let x = random.tensor([6, 3, 16, 16])
        let augment = DiffAugment(random: TrainingRandom(seed: 4))
        let whole = augment(x, step: 5, call: 2)
        for share in [[0, 2, 4], [1, 3, 5]] {
            let part = augment(x.rows(share), step: 5, call: 2, rows: share, total: 6)
            #expect(maxDifference(part.scalars, rows(whole, share)) <= 1e-6)
        }
    }

    /// p = 0.5: some images of a share may be untouched while others in the batch are resampled;
    /// the share still resamples as the whole batch does (same stages, same padding).
    @Test func augmentPipeShareIsTheWholeBatchsRows() {
        var random = TestRandom(seed: 2)
        let x = random.tensor([8, 3, 16, 16])
        let pipe = AugmentPipe(random: TrainingRandom(seed: 4))
        for p: Float in [0.2, 0.8] {
            let whole = pipe(x, probability: p, step: 3, call: 1)
            for share in [[0, 4], [1, 5], [2, 6], [3, 7]] {
                let part = pipe(x.rows(share), probability: p, step: 3, call: 1, rows: share, total: 8)
                #expect(maxDifference(part.scalars, rows(whole, share)) <= 1e-5, "p \(p), rows \(share)")
            }
        }
    }

    @Test func noiseRowsAreTheWholeBatchsNoise() throws {
        let config = GeneratorConfig(zDim: 8, wDim: 8, imageResolution: 16, mappingLayers: 2, channelBase: 64, channelMax: 8)
        var parameters = Generator.spec(config).initialize(seed: 3)
        // Fresh noise strengths are 0, which would hide the noise.
        for name in parameters.names where name.hasSuffix("noise_strength") { parameters.update(name, to: Tensor(0.5)) }
        let g = try Generator(config: config, parameters: parameters)
        var random = TestRandom(seed: 3)
        let ws = g.mapping(z: random.tensor([4, 8]))
        let whole = g.synthesis(ws: ws, noise: .random(seed: 9))
        for share in [[0, 2], [1, 3]] {
            let part = g.synthesis(ws: ws.rows(share), noise: .randomRows(seed: 9, rows: share, total: 4))
            #expect(maxDifference(part.scalars, rows(whole, share)) <= 1e-5)
        }
        // The noise is the point: other seeds give other images.
        #expect(maxDifference(g.synthesis(ws: ws, noise: .random(seed: 10)).scalars, whole.scalars) > 1e-3)
    }

    @Test func aloneEverythingIsTheWholeBatch() {
        let alone = DataParallel.single
        #expect(alone.rows(5) == [0, 1, 2, 3, 4] && alone.size == 1 && alone.isRoot)
        let g = ["a": Tensor(shape: [2], scalars: [1, 2])]
        let (reduced, extras) = alone.reduce(g, order: ["a"], extras: [3])
        #expect(reduced["a"]!.scalars == [1, 2] && extras == [3])
        #expect(alone.noise(seed: 4, total: 2) == .random(seed: 4))
        #expect(alone.problem(with: TrainingPreset.tiny.options(resolution: 16, batch: 2)) == nil)
    }
}
