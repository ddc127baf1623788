import Datasets
import Foundation
import Testing
import StyleGAN
import ToonCore
import ToonIO
import ToonTestSupport

/// `toon train --resume` on an original StyleGAN (v1) TF pickle: c16.pkl (G, D, Gs at 16 px, from
/// Tests/Fixtures/stylegan1/make_stylegan1_reference.py) continued on a tiny synthetic set with v1's
/// recipe, a few steps long.
@Suite("toon train on StyleGAN (v1)", .enabled(if: Toon.available, "the toon executable is not built"), .serialized)
struct StyleGAN1TrainCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/stylegan1")
    static let snapshotName = "network-snapshot-000000.safetensors"

    /// A 16 px set and the arguments of a 4-step run (batch 4, a tick and a snapshot every 2 steps).
    func setup(kimg: String = "0.016") throws -> (folder: URL, arguments: [String]) {
        let folder = Toon.temporaryFolder()
        let data = folder.appendingPathComponent("faces16.zip")
        let made = try Toon.run(["dataset", "synth", "--count", "12", "--resolution", "16", "--style", "flat", "--out", data.path])
        #expect(made.status == 0, "\(made.stderr)")
        return (folder, ["train", "--resume", Self.fixtures.appendingPathComponent("c16.pkl").path, "--data", data.path,
                         "--batch", "4", "--kimg", kimg, "--tick", "0.008", "--snap", "1", "--metrics", "none", "--seed", "3"])
    }

    func runFolder(_ root: URL) throws -> URL {
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return root.appendingPathComponent(try #require(names.first))
    }

    @Test("a v1 pickle trains with v1's recipe: finite losses, G and D move, the snapshot is a v1 generator for toon generate")
    func resumesAPickle() throws {
        let (folder, arguments) = try setup()
        let runs = folder.appendingPathComponent("runs")
        let result = try Toon.run(arguments + ["--outdir", runs.path])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try runFolder(runs)
        #expect(run.lastPathComponent.hasSuffix("-stylegan1"))

        let options = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("training_options.json"))) as? [String: Any]
        #expect(options?["configName"] as? String == "stylegan1" && options?["r1Gamma"] as? Double == 10
                && options?["generatorLearningRate"] as? Double == 0.001 && options?["plWeight"] as? Double == 0
                && options?["emaKimg"] as? Double == 10 && options?["styleMixing"] as? Double == 0.9, "\(options ?? [:])")
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(log.count == 2)
        for line in log {
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            for key in ["loss_G", "loss_D", "r1"] {
                let value = entry?[key] as? Double
                #expect(value?.isFinite == true, "\(key) in \(line)")
            }
        }

        // G and D moved away from the pickle's G and D (TF layouts: [kh, kw, in, out]).
        let snapshot = run.appendingPathComponent(Self.snapshotName)
        let file = try SafeTensorsFile(url: snapshot)
        let pickle = try ForeignCheckpoint.load(from: Self.fixtures.appendingPathComponent("c16.pkl"))
        let pairs = [("G.synthesis.b16.conv1.weight", "G", "synthesis/16x16/Conv1/weight"), ("D.b16.conv0.weight", "D", "16x16/Conv0/weight"),
                     ("G.mapping.fc1.weight", "G", "mapping/Dense1/weight")]
        for (name, network, tfName) in pairs {
            let trained = try file.tensor(name)
            let stored = try #require(pickle.networks[network]?[tfName])
            let original = (stored.rank == 4 ? stored.permuted([3, 2, 0, 1]) : stored.permuted([1, 0])).contiguous()
            #expect(trained.shape == original.shape)
            let moved = zip(trained.scalars, original.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(moved > 0 && moved < 1, "\(name) moved by \(moved)")
        }
        // The lod buffers stay at 0.
        #expect(try file.tensor("D.lod").scalar == 0 && file.tensor("G.lod").scalar == 0)

        let loaded = try GeneratorLoader.load(snapshot)
        #expect(loaded.format == .toonkit && loaded.generator.config.isStyleGAN1)
        let out = folder.appendingPathComponent("out")
        let generated = try Toon.run(["generate", "--network", snapshot.path, "--seeds", "0-1", "--outdir", out.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let image = try Image.decode(try Data(contentsOf: out.appendingPathComponent("seed0001.png")).map { $0 })
        #expect(image.width == 16 && image.height == 16)
    }

    @Test("the same steps taken twice give identical snapshots, and a run resumed from its snapshot ends as one never stopped")
    func repeatsAndResumesExactly() throws {
        let (folder, arguments) = try setup()
        let first = folder.appendingPathComponent("first"), second = folder.appendingPathComponent("second")
        let stopped = folder.appendingPathComponent("stopped")
        #expect(try Toon.run(arguments + ["--outdir", first.path]).status == 0)
        #expect(try Toon.run(arguments + ["--outdir", second.path]).status == 0)
        let a = try Data(contentsOf: try runFolder(first).appendingPathComponent(Self.snapshotName))
        let b = try Data(contentsOf: try runFolder(second).appendingPathComponent(Self.snapshotName))
        #expect(a == b, "two identical runs wrote different snapshots")

        let half = arguments.map { $0 == "0.016" ? "0.008" : $0 }
        #expect(try Toon.run(half + ["--outdir", stopped.path]).status == 0)
        let resumed = try Toon.run(["train", "--resume", "latest", "--data", arguments[4], "--outdir", stopped.path, "--kimg", "0.016",
                                    "--metrics", "none"])
        #expect(resumed.status == 0 && resumed.stdout.contains("Resuming"), "\(resumed.stderr)")
        let c = try Data(contentsOf: try runFolder(stopped).appendingPathComponent(Self.snapshotName))
        #expect(a == c, "the resumed run's final snapshot differs from the uninterrupted run's")
    }

    @Test("a conditional v1 pickle (d16: LabelSwitch D) trains on a labelled set, and its snapshot generates a class")
    func conditional() throws {
        let folder = Toon.temporaryFolder()
        let data = folder.appendingPathComponent("classes16.zip")
        try DatasetWriter.write(to: data, count: 8, labelDimension: 3) { i in
            let samples = (0..<(16 * 16 * 3)).map { Float(($0 * 7 + i * 31) % 256) / 255 }
            return DatasetItem(image: Image(width: 16, height: 16, channels: 3, samples: samples),
                               labels: (0..<3).map { $0 == i % 3 ? 1 : 0 })
        }
        let runs = folder.appendingPathComponent("runs")
        let result = try Toon.run(["train", "--resume", Self.fixtures.appendingPathComponent("d16.pkl").path, "--data", data.path,
                                   "--batch", "4", "--kimg", "0.008", "--tick", "0.008", "--metrics", "none", "--outdir", runs.path])
        #expect(result.status == 0 && result.stdout.contains("conditional on 3 labels"), "\(result.stderr)")
        let snapshot = try runFolder(runs).appendingPathComponent(Self.snapshotName)
        let out = folder.appendingPathComponent("out")
        let generated = try Toon.run(["generate", "--network", snapshot.path, "--seeds", "0", "--class", "2", "--outdir", out.path])
        #expect(generated.status == 0, "\(generated.stderr)")
    }

    @Test("a v1 pickle mid-way through progressive growing, or v1 with augmentation, is refused in one line")
    func refusals() throws {
        let (_, arguments) = try setup()
        let outdir = Toon.temporaryFolder().appendingPathComponent("runs")
        // b16.pkl is stored at lod 0.6.
        let growing = try Toon.run(arguments.map { $0.hasSuffix("c16.pkl") ? Self.fixtures.appendingPathComponent("b16.pkl").path : $0 }
                                   + ["--outdir", outdir.path])
        #expect(growing.status != 0 && growing.stderr.contains("b16.pkl") && growing.stderr.contains("lod 0.6"), "\(growing.stderr)")
        #expect(growing.stderr.split(separator: "\n").count == 1, "\(growing.stderr)")
        let augmented = try Toon.run(arguments + ["--outdir", outdir.path, "--aug", "ada"])
        #expect(augmented.status != 0 && augmented.stderr.contains("no augmentation"), "\(augmented.stderr)")
        #expect(augmented.stderr.split(separator: "\n").count == 1, "\(augmented.stderr)")
    }
}
