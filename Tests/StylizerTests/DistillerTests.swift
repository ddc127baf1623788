import Datasets
import Foundation
import Testing
import ToonCore
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

    @Test("three steps, a snapshot and three more equal six steps straight, bit for bit")
    func resumesExactly() throws {
        let pairs = try Self.pairs()
        var straight = Distiller(pairs: pairs, trainingPairs: 0..<10, config: Self.config, settings: Self.settings)
        for _ in 0..<6 { _ = straight.takeStep() }
        var first = Distiller(pairs: pairs, trainingPairs: 0..<10, config: Self.config, settings: Self.settings)
        for _ in 0..<3 { _ = first.takeStep() }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("student-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try first.model.write(to: url)
        var resumed = Distiller(pairs: pairs, trainingPairs: 0..<10, config: Self.config, settings: Self.settings,
                                resume: (try StudentModel.read(from: url), first.optimizer, first.step))
        for _ in 0..<3 { _ = resumed.takeStep() }
        for (name, tensor) in straight.model.parameters.pairs {
            #expect(resumed.model.parameters[name].scalars == tensor.scalars, "\(name)")
        }
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
