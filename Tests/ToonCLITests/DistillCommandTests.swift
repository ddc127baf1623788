import Foundation
import Testing
import ToonIO
import ToonTestSupport

@Suite("toon distill", .enabled(if: Toon.available, "the toon executable is not built"))
struct DistillCommandTests {
    static let small = ["--width", "4", "--bridge-blocks", "1", "--batch", "2", "--snapshot-every", "2"]

    @Test("snapshots, samples, log, TensorBoard events and held-out evaluation; resuming from step 2 to 4 gives the straight run's student, byte for byte, with the critic")
    func snapshotsAndResume() throws {
        let critic = ["--adversarial", "0.1", "--critic-width", "4"]
        let folder = Toon.temporaryFolder()
        let pairs = folder.appendingPathComponent("pairs.zip")
        let made = try Toon.run(["pairs", "--count", "6", "--resolution", "32", "--out", pairs.path])
        #expect(made.status == 0, "\(made.stderr)")
        let (straight, split) = (folder.appendingPathComponent("straight"), folder.appendingPathComponent("split"))
        let run = try Toon.run(["distill", "--pairs", pairs.path, "--steps", "4", "--held-out", "0.2", "--out", straight.path] + Self.small + critic)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("step 4: SSIM") && run.stdout.contains("on 1 held-out pairs"), "\(run.stdout)")
        let all = try FileManager.default.contentsOfDirectory(atPath: straight.path).sorted()
        #expect(all.filter { $0.hasPrefix("events.out.tfevents.") }.count == 1, "\(all)")
        let names = all.filter { !$0.hasPrefix("events.out.tfevents.") }
        #expect(names == ["log.jsonl", "samples-000002.png", "samples-000004.png", "state-000002.safetensors", "state-000004.safetensors",
                          "student-000002.safetensors", "student-000004.safetensors"])
        let log = try String(contentsOf: straight.appendingPathComponent("log.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 3 && log.contains("\"eval\"") && log.contains("\"critic\"") && log.contains("\"r1\""), "\(log)")

        _ = try Toon.run(["distill", "--pairs", pairs.path, "--steps", "2", "--held-out", "0.2", "--out", split.path] + Self.small + critic)
        let resumed = try Toon.run(["distill", "--pairs", pairs.path, "--steps", "4", "--resume", "latest", "--out", split.path])
        #expect(resumed.status == 0 && resumed.stdout.contains("at step 2"), "\(resumed.stderr)")
        #expect(try Data(contentsOf: split.appendingPathComponent("student-000004.safetensors"))
                == Data(contentsOf: straight.appendingPathComponent("student-000004.safetensors")))
        let events = try FileManager.default.contentsOfDirectory(atPath: split.path).filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(events.count == 2, "a start and a resume each write their own event file: \(events)")
    }

    @Test("a plain dataset is refused naming pairs.json; --resume with nothing to resume is one line")
    func refusals() throws {
        let folder = Toon.temporaryFolder()
        let plain = folder.appendingPathComponent("plain.zip")
        _ = try Toon.run(["dataset", "synth", "--count", "2", "--resolution", "64", "--style", "shaded", "--out", plain.path])
        let result = try Toon.run(["distill", "--pairs", plain.path, "--steps", "2", "--out", folder.appendingPathComponent("a").path])
        #expect(result.status == 1 && result.stderr.contains("pairs.json"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("a").path), "a refused run leaves no folder")
        let pairs = folder.appendingPathComponent("pairs.zip")
        _ = try Toon.run(["pairs", "--count", "2", "--resolution", "32", "--out", pairs.path])
        let none = try Toon.run(["distill", "--pairs", pairs.path, "--resume", "latest", "--out", folder.appendingPathComponent("b").path])
        #expect(none.status == 1 && none.stderr.contains("no snapshot to resume"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b").path))
    }

    @Test("toon stylize runs a student over a photo of any size (mirrored up to a multiple of 8 and cropped back); a degree it cannot take and a video to a picture are refused")
    func stylize() throws {
        let folder = Toon.temporaryFolder()
        let pairs = folder.appendingPathComponent("pairs.zip")
        _ = try Toon.run(["pairs", "--count", "3", "--resolution", "32", "--out", pairs.path])
        let run = folder.appendingPathComponent("run")
        _ = try Toon.run(["distill", "--pairs", pairs.path, "--steps", "2", "--out", run.path] + Self.small)
        let student = run.appendingPathComponent("student-000002.safetensors").path
        let photo = folder.appendingPathComponent("photo.png")
        try Image(width: 30, height: 21, channels: 3, samples: (0..<(3 * 30 * 21)).map { Float($0 % 97) / 96 }).write(to: photo)
        let out = folder.appendingPathComponent("toon.png")
        let result = try Toon.run(["stylize", "--model", student, photo.path, "--out", out.path])
        #expect(result.status == 0 && result.stdout.contains("30x21"), "\(result.stderr)")
        let toon = try Image.read(from: out)
        #expect(toon.width == 30 && toon.height == 21 && toon.channels == 3)
        let degree = try Toon.run(["stylize", "--model", student, photo.path, "--degree", "0.5", "--out", folder.appendingPathComponent("d.png").path])
        #expect(degree.status != 0 && degree.stderr.contains("no degree input"), "\(degree.stderr)")
        let video = try Toon.run(["stylize", "--model", student, folder.appendingPathComponent("clip.mp4").path, "--out", out.path])
        #expect(video.status == 64 && video.stderr.contains("a video input needs --out ending in .mp4"), "\(video.stderr)")
    }

    @Test("without --model, toon stylize runs the built-in student (degree input: the slider works)")
    func builtInStudent() throws {
        let folder = Toon.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let photo = folder.appendingPathComponent("face.png")
        let base = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/BuiltInModels/Weights/shaded64.safetensors")
        let faces = try Toon.run(["generate", "--network", base.path, "--seeds", "3", "--outdir", folder.path])
        #expect(faces.status == 0, "\(faces.stderr)")
        try FileManager.default.moveItem(at: folder.appendingPathComponent("seed0003.png"), to: photo)
        var outputs: [Data] = []
        for degree in ["0.5", "1"] {
            let out = folder.appendingPathComponent("toon-\(degree).png")
            let result = try Toon.run(["stylize", photo.path, "--degree", degree, "--out", out.path])
            #expect(result.status == 0 && result.stdout.contains("64x64") && result.stdout.contains("student-shaded64-anime"), "\(result.stderr)")
            outputs.append(try Data(contentsOf: out))
        }
        #expect(outputs[0] != outputs[1], "the degree changes the cartoon")
    }
}
