import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonNN
import ToonTestSupport
@testable import Training

/// tinyData's six images with one-hot labels of three classes: 2, 0, 1, 0, 2, 1.
func tinyLabelledData() -> InMemoryImages {
    let classes = [2, 0, 1, 0, 2, 1]
    var labels = [Float](repeating: 0, count: 18)
    for (i, k) in classes.enumerated() { labels[i * 3 + k] = 1 }
    return InMemoryImages(tinyData().images, labels: Tensor(shape: [6, 3], scalars: labels))
}

func tinyConditionalOptions(kimg: Double = 0.064) -> TrainingOptions {
    var options = tinyOptions(kimg: kimg)
    options.generator.cDim = 3
    options.discriminator.cDim = 3
    return options
}

@Suite(.computeFromEnvironment) struct ConditionalTrainingTests {
    @Test func resumedConditionalRunEndsBitIdenticalToTheUninterruptedOne() throws {
        let options = tinyConditionalOptions()
        let straight = temporaryFolder("cond-straight"), interrupted = temporaryFolder("cond-interrupted")
        defer { for f in [straight, interrupted] { try? FileManager.default.removeItem(at: f) } }
        let (full, resumed, snapshot, resumedFrom) = try straightAndResumedRuns(options, start: .initial(options), data: tinyLabelledData,
                                                                                straight: straight, interrupted: interrupted)
        let resumedOptions = resumedFrom.options
        #expect(resumedOptions.generator.cDim == 3 && resumedOptions.discriminator.labelDimension == 3)
        #expect(resumed.state.generator.values == full.state.generator.values)
        #expect(resumed.state.generatorEMA.values == full.state.generatorEMA.values)
        #expect(resumed.state.discriminator.values == full.state.discriminator.values)
        // The label networks of G and D trained.
        let initial = TrainingState.initial(options)
        #expect(full.state.generator["mapping.embed.weight"].scalars != initial.generator["mapping.embed.weight"].scalars)
        #expect(full.state.discriminator["mapping.embed.weight"].scalars != initial.discriminator["mapping.embed.weight"].scalars)
        // The snapshot generates per class.
        let g = try GeneratorLoader.load(snapshot).generator
        #expect(g.config.cDim == 3)
        let z = Tensor.randomNormal(shape: [1, g.config.zDim], seed: 0)
        let images = (0..<3).map { k in g(z: z, c: try! Latents.classLabels(k, count: 1, cDim: 3)).scalars }
        #expect(images[0] != images[1] && images[1] != images[2])
    }

    /// The labels of generated images are labels of dataset images, drawn anew for each phase and step, and
    /// the same for the same (purpose, step).
    @Test func generatedLabelsAreDrawnFromTheDatasetLabels() throws {
        let data = tinyLabelledData()
        let labels = GeneratedLabels(table: data.labels(Array(0..<6))!, random: TrainingRandom(seed: 7))
        let a = labels.draw(16, .generatorLabels, step: 3)
        #expect(a.shape == [16, 3])
        let rows = stride(from: 0, to: 48, by: 3).map { Array(a.scalars[$0..<($0 + 3)]) }
        #expect(rows.allSatisfy { $0.reduce(0, +) == 1 && $0.allSatisfy { $0 == 0 || $0 == 1 } })
        #expect(Set(rows.map { $0.firstIndex(of: 1)! }).count > 1)
        #expect(labels.draw(16, .generatorLabels, step: 3).scalars == a.scalars)
        #expect(labels.draw(16, .discriminatorLabels, step: 3).scalars != a.scalars)
        #expect(labels.draw(16, .generatorLabels, step: 4).scalars != a.scalars)
    }

    /// NVLabs' grid: a class per row in class order, each row that class's reals; unconditional runs
    /// show the first images.
    @Test func snapshotGridPutsOneClassInEachRow() {
        let data = tinyLabelledData()  // classes 2, 0, 1, 0, 2, 1
        let grid = SnapshotGrid(imageCount: data.count, labels: data.labels(Array(0..<data.count)), cells: 8, columns: 2)
        #expect(grid.indices == [1, 3, 2, 5, 0, 4, 1, 3])
        #expect(grid.labels(cell: 2, data: data)?.scalars == [0, 1, 0])
        let plain = SnapshotGrid(imageCount: data.count, labels: nil, cells: 8, columns: 2)
        #expect(plain.indices == Array(0..<6) && plain.labels(cell: 0, data: data) == nil)
    }

    @Test func conditionalOptionsNeedLabelledData() throws {
        let options = tinyConditionalOptions()
        #expect(throws: TrainingError.self) {
            _ = try TrainingRun(options: options, data: tinyData(), directory: temporaryFolder("cond-nolabels"), state: .initial(options))
        }
        var mismatched = options
        mismatched.discriminator.cDim = nil
        #expect(throws: TrainingError.self) { try mismatched.validate() }
    }
}
