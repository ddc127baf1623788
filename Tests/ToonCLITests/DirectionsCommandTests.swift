import Foundation
import Testing
import ToonCore
import ToonIO
import ToonTestSupport

@Suite("toon directions and toon project --data", .enabled(if: Toon.available, "the toon executable is not built"))
struct DirectionsCommandTests {
    @Test("fits named and indexed synth attributes into a [count, wDim] file toon edit reads")
    func fitsAndEdits() throws {
        let folder = Toon.temporaryFolder()
        // 400 latents of the built-in model's 128 dimensions; label column 23 (mouth.smile) follows w[0].
        let w = Tensor.randomNormal(shape: [400, 128], seed: 4)
        var labels = [Float](repeating: 0, count: 400 * 32)
        for i in 0..<400 {
            labels[i * 32 + 23] = w.scalars[i * 128] > 0 ? 1 : 0
            labels[i * 32 + 25] = w.scalars[i * 128 + 5]
        }
        try NPY.write(w, to: folder.appendingPathComponent("w.npy"))
        try NPY.write(Tensor(shape: [400, 32], scalars: labels), to: folder.appendingPathComponent("labels.npy"))
        let out = folder.appendingPathComponent("dirs.npy")
        let result = try Toon.run(["directions", "--latents", folder.appendingPathComponent("w.npy").path,
                                   "--labels", folder.appendingPathComponent("labels.npy").path,
                                   "--attribute", "mouth.smile,25", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0  mouth.smile  class means, held-out correlation"), "\(result.stdout)")
        #expect(result.stdout.contains("1  25  regression"), "\(result.stdout)")
        let data = try Data(contentsOf: out)
        let dirs = try data.withUnsafeBytes { try NPY.decode($0, url: out) }
        #expect(dirs.shape == [2, 128])
        #expect(dirs.scalars[0] > 0.5 && dirs.scalars[128 + 5] > 0.9, "the fitted rows point along w[0] and w[5]")
        let edited = Toon.temporaryFolder()
        let edit = try Toon.run(["edit", "--seeds", "1", "--direction", out.path + ":0", "--strength", "-2,2", "--outdir", edited.path])
        #expect(edit.status == 0, "\(edit.stderr)")
    }

    @Test("bad attributes and mismatched files are refused", arguments: [
        ("mouth.grin", "not a column index or a synth label name"),
        ("40", "the labels have columns 0-31"),
        ("mouth.smile,", "--attribute has an empty entry"),
    ])
    func badAttribute(attribute: String, message: String) throws {
        let folder = Toon.temporaryFolder()
        try NPY.write(Tensor.randomNormal(shape: [5, 8], seed: 1), to: folder.appendingPathComponent("w.npy"))
        try NPY.write(Tensor.zeros([5, 32]), to: folder.appendingPathComponent("labels.npy"))
        let result = try Toon.run(["directions", "--latents", folder.appendingPathComponent("w.npy").path,
                                   "--labels", folder.appendingPathComponent("labels.npy").path,
                                   "--attribute", attribute, "--out", folder.appendingPathComponent("d.npy").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("d.npy").path))
    }

    @Test("toon project --data projects a dataset's first images, with their labels and a grid")
    func projectsDataset() throws {
        let folder = Toon.temporaryFolder()
        let data = folder.appendingPathComponent("faces.zip")
        let synth = try Toon.run(["dataset", "synth", "--count", "3", "--resolution", "64", "--style", "anime", "--out", data.path])
        #expect(synth.status == 0, "\(synth.stderr)")
        let out = folder.appendingPathComponent("proj")
        let result = try Toon.run(["project", "--data", data.path, "--count", "2", "--steps", "5", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 images, mean distance"), "\(result.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["labels.npy", "proj-grid.png", "projected_ws.npy"])
        let ws = try Data(contentsOf: out.appendingPathComponent("projected_ws.npy")).withUnsafeBytes {
            try NPY.decode($0, url: out.appendingPathComponent("projected_ws.npy"))
        }
        #expect(ws.shape == [2, 10, 128])
        let grid = try Image.read(from: out.appendingPathComponent("proj-grid.png"))
        #expect(grid.width == 128 && grid.height == 128)
    }
}
