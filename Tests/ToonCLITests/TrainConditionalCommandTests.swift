import Foundation
import Testing
import ToonIO
import ToonTestSupport

@Suite("toon train --cond", .enabled(if: Toon.available, "the toon executable is not built"), .serialized)
struct TrainConditionalCommandTests {
    /// A labelled 16 px synthetic set (32 labels an image) and a tiny run of 4 steps on it.
    func tinyLabelledRun(_ folder: URL) throws -> (data: URL, arguments: [String]) {
        let data = folder.appendingPathComponent("faces16.zip")
        let made = try Toon.run(["dataset", "synth", "--count", "8", "--resolution", "16", "--style", "flat", "--out", data.path])
        #expect(made.status == 0, "\(made.stderr)")
        return (data, ["train", "--data", data.path, "--cfg", "tiny", "--batch", "4", "--kimg", "0.016", "--tick", "0.008",
                       "--snap", "1", "--metrics", "none", "--seed", "3", "--outdir", folder.appendingPathComponent("runs").path])
    }

    /// Four 16 px images in `folder`/plain: a folder of images has no dataset.json, so no labels.
    func unlabelledFolder(in folder: URL) throws -> URL {
        let images = folder.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<4 {
            let samples = (0..<(16 * 16 * 3)).map { Float(($0 * 7 + i * 13) % 256) / 255 }
            try Image(width: 16, height: 16, channels: 3, samples: samples).write(to: images.appendingPathComponent("img\(i).png"))
        }
        return images
    }

    @Test("a conditional run trains on the dataset's labels, and its snapshot generates a chosen class")
    func conditionalRunGeneratesClasses() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, arguments) = try tinyLabelledRun(folder)
        let result = try Toon.run(arguments + ["--cond"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("conditional on 32 labels"), "\(result.stdout)")
        let run = folder.appendingPathComponent("runs/00000-faces16-tiny")
        let options = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("training_options.json"))) as? [String: Any]
        #expect((options?["generator"] as? [String: Any])?["cDim"] as? Int == 32)
        #expect((options?["discriminator"] as? [String: Any])?["cDim"] as? Int == 32)
        let snapshot = run.appendingPathComponent("network-snapshot-000000.safetensors").path

        let info = try Toon.run(["info", snapshot])
        #expect(info.status == 0 && info.stdout.contains("cond (32 labels)"), "\(info.stdout)")

        var images: [[Float]] = []
        for k in [0, 31] {
            let out = folder.appendingPathComponent("class\(k)")
            let generated = try Toon.run(["generate", "--network", snapshot, "--seeds", "0", "--class", "\(k)", "--outdir", out.path])
            #expect(generated.status == 0, "\(generated.stderr)")
            let image = try Image.decode(try Data(contentsOf: out.appendingPathComponent("seed0000.png")).map { $0 })
            #expect(image.width == 16)
            images.append(image.samples)
        }
        #expect(images[0] != images[1], "the class changes the image")

        let outOfRange = try Toon.run(["generate", "--network", snapshot, "--seeds", "0", "--class", "32",
                                       "--outdir", folder.appendingPathComponent("bad").path])
        #expect(outOfRange.status == 64 && outOfRange.stderr.contains("class 32 is out of range 0...31"), "\(outOfRange.stderr)")
        let missing = try Toon.run(["generate", "--network", snapshot, "--seeds", "0", "--outdir", folder.appendingPathComponent("bad").path])
        #expect(missing.status == 64 && missing.stderr.contains("--class"), "\(missing.stderr)")
    }

    @Test("a conditional run measures SWD at snapshots with its fakes labelled from the data; toon metrics too, and refuses unlabelled data")
    func conditionalMetrics() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (data, arguments) = try tinyLabelledRun(folder)
        let result = try Toon.run(arguments.map { $0 == "none" ? "swd" : $0 } + ["--cond"])
        #expect(result.status == 0, "\(result.stderr)")
        let run = folder.appendingPathComponent("runs/00000-faces16-tiny")
        let log = try String(contentsOf: run.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        let first = try JSONSerialization.jsonObject(with: Data(log[0].utf8)) as? [String: Any]
        #expect((first?["swd_mean"] as? Double ?? -1) > 0, "\(log[0])")
        let snapshot = run.appendingPathComponent("network-snapshot-000000.safetensors").path
        let measured = try Toon.run(["metrics", "--metric", "swd", "--network", snapshot, "--data", data.path, "--num", "16", "--json"])
        #expect(measured.status == 0 && measured.stdout.contains("swd_mean"), "\(measured.stderr)")
        let unlabelled = try unlabelledFolder(in: folder)
        let refused = try Toon.run(["metrics", "--metric", "swd", "--network", snapshot, "--data", unlabelled.path, "--num", "16"])
        #expect(refused.status == 64 && refused.stderr.contains("conditional on 32 labels") && refused.stderr.contains(unlabelled.path),
                "\(refused.stderr)")
    }

    @Test("--cond on a dataset without labels is a usage error naming it; --class on an unconditional network fails")
    func errors() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let images = try unlabelledFolder(in: folder)
        let runs = folder.appendingPathComponent("runs")
        let result = try Toon.run(["train", "--data", images.path, "--outdir", runs.path, "--cfg", "tiny", "--kimg", "0.004", "--cond"])
        #expect(result.status == 64, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(images.path) && lines[0].contains("--cond needs labels"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs.appendingPathComponent("00000-plain-tiny").path))

        // Without --cond the same set trains, and labels in a set are ignored (the run is unconditional).
        let (_, arguments) = try tinyLabelledRun(folder)
        let plain = try Toon.run(arguments)
        #expect(plain.status == 0, "\(plain.stderr)")
        let snapshot = folder.appendingPathComponent("runs/00000-faces16-tiny/network-snapshot-000000.safetensors").path
        let generated = try Toon.run(["generate", "--network", snapshot, "--seeds", "0", "--class", "0",
                                      "--outdir", folder.appendingPathComponent("out").path])
        #expect(generated.status == 64 && generated.stderr.contains("--class given, but this network is unconditional"), "\(generated.stderr)")
        // An unconditional run cannot be resumed as a conditional one.
        let resumed = try Toon.run(arguments + ["--resume", "latest", "--kimg", "0.024", "--cond"])
        #expect(resumed.status == 64 && resumed.stderr.contains("--cond, but the network resumed from it is unconditional"), "\(resumed.stderr)")
    }
}
