import Datasets
import Foundation
import Testing
import ToonIO
import ToonTestSupport

@Suite("toon pairs", .enabled(if: Toon.available, "the toon executable is not built"))
struct PairsCommandTests {
    @Test("the built-in pair makes a paired zip that reads back, the same bytes run to run, and reports its rate")
    func builtInPair() throws {
        let folder = Toon.temporaryFolder()
        let (a, b) = (folder.appendingPathComponent("a.zip"), folder.appendingPathComponent("b.zip"))
        let result = try Toon.run(["pairs", "--count", "4", "--degree", "0.5,1", "--resolution", "32", "--out", a.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4 pairs at 32 px") && result.stdout.contains("pairs/s"), "\(result.stdout)")
        #expect(result.stderr.isEmpty, "quiet when piped: \(result.stderr)")
        let pairs = try PairedDataset(contentsOf: a)
        #expect(pairs.count == 4 && pairs.resolution == 32 && pairs.degrees == [0.5, 1, 0.5, 1])
        #expect(pairs.teacher["base"] == "shaded64.safetensors" && pairs.teacher["degrees"] == "0.5,1")
        _ = try Toon.run(["pairs", "--count", "4", "--degree", "0.5,1", "--resolution", "32", "--out", b.path])
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    @Test("bad options are one line and exit 64; a resolution above the networks' is refused; nothing is written",
          arguments: [
            (["--count", "0"], "--count must be in"),
            (["--count", "2", "--degree", "1.5"], "--degree must be numbers in 0...1"),
            (["--count", "2", "--jitter", "1,2"], "--jitter takes 3 non-negative numbers"),
            (["--count", "2", "--degrade", "0.2,1,6,99"], "JPEG quality a whole number in 1...95"),
            (["--count", "2", "--base", "x.pkl"], "--base and --styled go together"),
            (["--count", "2", "--resolution", "128"], "above the networks' 64 px"),
          ])
    func refusals(_ arguments: [String], message: String) throws {
        let out = Toon.temporaryFolder().appendingPathComponent("p.zip")
        let result = try Toon.run(["pairs"] + arguments + ["--out", out.path])
        #expect(result.status != 0 && result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("--from-photos: each aligned face projected and drawn at each degree; the real side is the photo; a folder without faces exits 2")
    func fromPhotos() throws {
        let folder = Toon.temporaryFolder()
        let photos = folder.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for index in 0..<2 {
            try FaceRenderer.render(FaceParameters.sample(seed: 3, index: index), style: .shaded, resolution: 64)
                .write(to: photos.appendingPathComponent("face\(index).png"))
        }
        let out = folder.appendingPathComponent("p.zip")
        let result = try Toon.run(["pairs", "--from-photos", photos.path, "--aligned", "--steps", "3", "--degree", "0.5,1",
                                   "--jitter", "0", "--degrade", "0", "--out", out.path])
        #expect(result.status == 0 && result.stdout.contains("4 pairs from 2 faces in 2 photos"), "\(result.stderr)")
        let pairs = try PairedDataset(contentsOf: out)
        #expect(pairs.count == 4 && pairs.degrees == [0.5, 1, 0.5, 1])
        #expect(pairs.real.image(at: 0) == (try Image.read(from: photos.appendingPathComponent("face0.png"))).rgb())
        #expect(pairs.real.image(at: 0) == pairs.real.image(at: 1) && pairs.toon.image(at: 0) != pairs.toon.image(at: 1))
        #expect(try Toon.run(["pairs", "--from-photos", photos.path, "--count", "3", "--out", out.path]).stderr.contains("--count does not go with --from-photos"))
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try Toon.run(["pairs", "--from-photos", empty.path, "--aligned", "--out", folder.appendingPathComponent("q.zip").path])
        #expect(none.status == 2 && none.stderr.contains("no face found"), "\(none.stderr)")
    }
}
