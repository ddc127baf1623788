import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonNN
import ToonTestSupport
@testable import Training

/// A tiny run on random 16 px images: small enough to train a few steps in a test.
func tinyOptions(kimg: Double = 0.064, tick: Double = 0.016, snap: Int = 1, pl: Bool = true,
                 augment: TrainingOptions.Augmentation? = nil) -> TrainingOptions {
    var options = TrainingPreset.tiny.options(resolution: 16, kimg: kimg, tickKimg: tick, snapshotTicks: snap, mirror: true, seed: 7)
    options.gridSeeds = [0, 1]
    options.gRegInterval = 2
    options.dRegInterval = 3
    if !pl { options.plWeight = 0 }
    options.augment = augment
    return options
}

func tinyData() -> InMemoryImages {
    var random = TestRandom(seed: 11)
    return InMemoryImages(random.tensor([6, 3, 16, 16]))
}

func temporaryFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("toonkit-\(name)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The same run twice from `start`: straight through in `straight`, and in `interrupted` stopped one
/// step after its second tick's snapshot (as a kill would leave it), then resumed from that snapshot
/// and finished. Returns both finished runs, the snapshot file (later snapshots of a tiny run reuse its
/// name) and what it held when the run resumed from it.
func straightAndResumedRuns(_ options: TrainingOptions, start: TrainingState, data: () -> any TrainingImages,
                            straight: URL, interrupted: URL) throws
    -> (full: TrainingRun, resumed: TrainingRun, snapshot: URL, resumedFrom: (options: TrainingOptions, state: TrainingState)) {
    var full = try TrainingRun(options: options, data: data(), directory: straight, state: start)
    try full.run()
    var first = try TrainingRun(options: options, data: data(), directory: interrupted, state: start)
    var stepsAfterSecondTick = 0
    try first.run(stepDone: { state in if state.tick >= 2 { stepsAfterSecondTick += 1 } },
                  shouldStop: { stepsAfterSecondTick >= 1 })
    #expect(!first.isFinished)
    let snapshot = try #require(RunDirectory.latestSnapshot(in: interrupted))
    let (resumedOptions, state) = try TrainingSnapshot.read(snapshot)
    var resumed = try TrainingRun(options: resumedOptions, data: data(), directory: interrupted, state: state)
    try resumed.run()
    return (full, resumed, snapshot, (resumedOptions, state))
}

extension ParameterStore {
    /// Every parameter's elements by name, for exact comparisons.
    var values: [String: [Float]] { Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.tensor.scalars) }) }
}

@Suite(.computeFromEnvironment) struct TrainingResumeTests {
    @Test func snapshotRestoresEveryPartOfTheState() throws {
        let options = tinyOptions(kimg: 0.008, tick: 0.008)
        let folder = temporaryFolder("snapshot")
        defer { try? FileManager.default.removeItem(at: folder) }
        var run = try TrainingRun(options: options, data: tinyData(), directory: folder, state: .initial(options))
        try run.prepareDirectory()
        try run.run()
        let snapshot = try #require(RunDirectory.latestSnapshot(in: folder))
        let (readOptions, state) = try TrainingSnapshot.read(snapshot)
        #expect(readOptions == options)
        #expect(state.step == run.state.step && state.imagesSeen == run.state.imagesSeen && state.tick == run.state.tick)
        #expect(state.plMean == run.state.plMean)
        #expect(state.generator.values == run.state.generator.values)
        #expect(state.generatorEMA.values == run.state.generatorEMA.values)
        #expect(state.discriminator.values == run.state.discriminator.values)
        #expect(state.generatorOptimizer.stepCount == run.state.generatorOptimizer.stepCount)
        #expect(state.discriminatorOptimizer.secondMoments.mapValues(\.scalars) == run.state.discriminatorOptimizer.secondMoments.mapValues(\.scalars))
        // The snapshot is also a generator file: its G_ema.
        let loaded = try GeneratorLoader.load(snapshot).generator
        #expect(loaded.parameters.values == run.state.generatorEMA.values)
    }

    @Test(arguments: [nil, TrainingOptions.Augmentation.diffaug])
    func resumedRunEndsBitIdenticalToTheUninterruptedOne(augment: TrainingOptions.Augmentation?) throws {
        let options = tinyOptions(augment: augment)
        let straight = temporaryFolder("straight"), interrupted = temporaryFolder("interrupted")
        defer { for f in [straight, interrupted] { try? FileManager.default.removeItem(at: f) } }
        let (full, resumed, _, resumedFrom) = try straightAndResumedRuns(options, start: .initial(options), data: tinyData,
                                                                         straight: straight, interrupted: interrupted)
        #expect(resumedFrom.state.tick == 2)
        #expect(resumed.state.step == full.state.step)
        #expect(resumed.state.generator.values == full.state.generator.values)
        #expect(resumed.state.generatorEMA.values == full.state.generatorEMA.values)
        #expect(resumed.state.discriminator.values == full.state.discriminator.values)
        #expect(resumed.state.plMean == full.state.plMean)
        // And training did change the weights.
        #expect(full.state.generator.values != TrainingState.initial(options).generator.values)
    }

    /// ADA's p and its tally of real signs carry over a resume. Ticks of 3 steps put the snapshot in
    /// the middle of a 4-step adjustment interval, and p starts at 0.4 so the augmentation acts.
    @Test func resumedADARunEndsBitIdenticalWithTheSameP() throws {
        var options = tinyOptions(kimg: 0.048, tick: 0.012, augment: .ada)
        options.adaTarget = 0.6
        var start = TrainingState.initial(options)
        start.augmentP = 0.4
        let straight = temporaryFolder("ada-straight"), interrupted = temporaryFolder("ada-interrupted")
        defer { for f in [straight, interrupted] { try? FileManager.default.removeItem(at: f) } }
        let (full, resumed, _, resumedFrom) = try straightAndResumedRuns(options, start: start, data: tinyData,
                                                                         straight: straight, interrupted: interrupted)
        let state = resumedFrom.state
        #expect(state.step == 6 && state.augmentSignCount > 0, "the snapshot falls inside an adjustment interval")
        #expect(state.augmentP != 0.4, "p was adjusted at step 4")
        #expect(resumed.state.augmentP == full.state.augmentP)
        #expect(resumed.state.augmentSignSum == full.state.augmentSignSum && resumed.state.augmentSignCount == full.state.augmentSignCount)
        #expect(resumed.state.generator.values == full.state.generator.values)
        #expect(resumed.state.discriminator.values == full.state.discriminator.values)
        #expect(resumed.state.generatorEMA.values == full.state.generatorEMA.values)

        // p moved by ADA's step at each of steps 4, 8 and 12, and each tick's p is in the log.
        let stepSize = Float(options.batch * 4) / 500_000
        #expect(abs(abs(full.state.augmentP - 0.4) / stepSize - 3) < 0.01 || abs(abs(full.state.augmentP - 0.4) / stepSize - 1) < 0.01)
        let log = try String(contentsOf: straight.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        let ps = try log.map { line in try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["augment"] as? Double) }
        #expect(ps.count == 4)
        #expect(abs(ps.last! - Double(full.state.augmentP)) < 1e-6)
    }
}
