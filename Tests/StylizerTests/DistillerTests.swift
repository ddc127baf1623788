import Datasets
import Foundation
import Testing
import ToonCore
import ToonMetrics
import ToonIO
import ToonNN
import ToonTestSupport
@testable import Stylizer

@Suite("Distiller: a student learns a pair mapping, and resumes exactly", .computeFromEnvironment)
struct DistillerTests {
    /// 12 pairs at 16 px: smooth random colour fields, and as the "cartoon" their colours swapped and darkened.
    static func pairs() throws -> PairedDataset {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("distill-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: url) }
        try PairedDataset.write(to: url, count: 12, teacher: ["test": "swap"]) { index throws(ToonIOError) in
            var random = TestRandom(seed: UInt64(index))
            let coarse = random.tensor([1, 3, 4, 4], 0.1...0.9)
            let real = coarse.resized(height: 16, width: 16, mode: .bilinear)
            let toon = Tensor.concatenate([real.slice(axis: 1, 2..<3), real.slice(axis: 1, 0..<1), real.slice(axis: 1, 1..<2)], axis: 1) * 0.8
            return ImagePair(real: try Image(tensor: real, range: 0...1), toon: try Image(tensor: toon, range: 0...1), degree: 1)
        }
        return try PairedDataset(contentsOf: url)
    }

    static var settings: DistillSettings {
        var settings = DistillSettings()
        settings.batchSize = 4
        settings.learningRate = 0.01
        settings.seed = 5
        return settings
    }

    static let config = StudentConfig(width: 4, bridgeBlocks: 1, levels: 2)

    @Test("the loss falls by more than half over 160 steps")
    func learns() throws {
        var distiller = Distiller(pairs: try Self.pairs(), trainingPairs: 0..<10, config: Self.config, settings: Self.settings)
        let first = (0..<5).map { _ in distiller.takeStep().total }.reduce(0, +) / 5
        for _ in 0..<150 { _ = distiller.takeStep() }
        let last = (0..<5).map { _ in distiller.takeStep().total }.reduce(0, +) / 5
        #expect(last < 0.5 * first, "loss \(first) -> \(last)")
        #expect(distiller.step == 160)
    }

    static var adversarialSettings: DistillSettings {
        var settings = Self.settings
        settings.adversarialWeight = 0.1
        settings.r1Interval = 2
        settings.criticWidth = 4
        return settings
    }

    @Test("three steps, a snapshot and three more equal six steps straight, bit for bit (with and without critic and LPIPS)",
          arguments: [false, true])
    func resumesExactly(everyLoss: Bool) throws {
        let pairs = try Self.pairs()
        var settings = everyLoss ? Self.adversarialSettings : Self.settings
        let lpips: LPIPS? = everyLoss ? FormulaLPIPS.metric : nil
        if everyLoss { settings.lpipsWeight = 0.5 }
        var straight = Distiller(pairs: pairs, trainingPairs: 0..<10, config: Self.config, settings: settings, lpips: lpips)
        var straightLosses: [Distiller.Losses] = []
        for _ in 0..<6 { straightLosses.append(straight.takeStep()) }
        var first = Distiller(pairs: pairs, trainingPairs: 0..<10, config: Self.config, settings: settings, lpips: lpips)
        for _ in 0..<3 { _ = first.takeStep() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try DistillCheckpoint.write(first, to: folder)
        #expect(DistillCheckpoint.latestStep(in: folder) == 3)
        var resumed = try DistillCheckpoint.resume(from: folder, step: 3, pairs: pairs, lpips: lpips)
        var resumedLosses: [Distiller.Losses] = []
        for _ in 0..<3 { resumedLosses.append(resumed.takeStep()) }
        #expect(resumedLosses == Array(straightLosses.suffix(3)))
        for (name, tensor) in straight.model.parameters.pairs {
            #expect(resumed.model.parameters[name].scalars == tensor.scalars, "\(name)")
        }
        if everyLoss {
            #expect(straightLosses.allSatisfy { $0.lpips > 0 && $0.adversarial > 0 && $0.critic > 0 })
            #expect(straightLosses.map { $0.r1 != nil } == [true, false, true, false, true, false])
            for (name, tensor) in straight.critic!.parameters.pairs {
                #expect(resumed.critic!.parameters[name].scalars == tensor.scalars, "\(name)")
            }
        }
    }

    @Test("resuming a run that weighed LPIPS without the LPIPS network is refused, naming the state file")
    func resumeNeedsLPIPS() throws {
        let pairs = try Self.pairs()
        var settings = Self.settings
        settings.lpipsWeight = 1
        var run = Distiller(pairs: pairs, trainingPairs: 0..<10, config: Self.config, settings: settings, lpips: FormulaLPIPS.metric)
        _ = run.takeStep()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("distill-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try DistillCheckpoint.write(run, to: folder)
        do {
            _ = try DistillCheckpoint.resume(from: folder, step: 1, pairs: pairs)
            Issue.record("resumed without LPIPS")
        } catch {
            #expect("\(error)".contains("state-000001.safetensors") && "\(error)".contains("LPIPS"), "\(error)")
        }
    }

    @Test("the critic learns to tell the teacher's cartoons from darkened ones: its loss falls below log 4")
    func criticSeparates() throws {
        let pairs = try Self.pairs()
        var critic = DistillCritic(for: Self.config, settings: Self.adversarialSettings)
        let real = pairs.real.batch(Array(0..<8), mirrored: Array(repeating: false, count: 8))
        let toon = pairs.toon.batch(Array(0..<8), mirrored: Array(repeating: false, count: 8))
        let fakes = toon * 0.5 - 0.5
        var losses: [Float] = []
        for step in 0..<60 {
            losses.append(critic.learn(condition: real, fakes: fakes, reals: toon, regularize: step % 2 == 0,
                                       settings: Self.adversarialSettings).loss)
        }
        // log 4 is the loss of a critic that cannot tell them apart (both logits 0).
        #expect(losses[0] > 1.2 && losses.suffix(5).allSatisfy { $0 < 0.7 }, "\(losses)")
        let realScore = critic.logits(real, toon, critic.parameters).mean().scalar
        let fakeScore = critic.logits(real, fakes, critic.parameters).mean().scalar
        #expect(realScore > fakeScore + 1, "real \(realScore), fake \(fakeScore)")
    }

    @Test("a file that is not a student is refused with one line naming it")
    func notAStudent() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("other-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.write(["w": Tensor.zeros([2])], to: url)
        do {
            _ = try StudentModel.read(from: url)
            Issue.record("read a file that is not a student")
        } catch {
            #expect("\(error)".contains(url.lastPathComponent) && "\(error)".contains("not a stylizer student"), "\(error)")
        }
    }
}
