import Foundation
import Testing
import ToonIO

@Suite("toon dataset synth", .enabled(if: Toon.available, "the toon executable is not built"))
struct DatasetCommandTests {
    @Test("writes an NVLabs-layout zip of labelled faces, the same bytes for the same seed")
    func synth() throws {
        let folder = Toon.temporaryFolder()
        let out = folder.appendingPathComponent("anime32.zip")
        let result = try Toon.run(["dataset", "synth", "--count", "5", "--resolution", "32", "--style", "anime",
                                   "--out", out.path, "--seed", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "quiet when not on a terminal")
        let archive = try ZipArchive(try FileBytes.map(out).all, source: out.path)
        #expect(archive.entries.map(\.name) == (0..<5).map { String(format: "00000/img%08d.png", $0) } + ["dataset.json"])
        for entry in archive.entries.dropLast() {
            let image = try Image.decode(try archive.data(of: entry).bytes)
            #expect(image.width == 32 && image.height == 32 && image.channels == 3)
        }
        let json = try JSONSerialization.jsonObject(with: Data(try archive.data(of: archive.entry(named: "dataset.json")!).bytes))
        let labels = try #require((json as? [String: Any])?["labels"] as? [[Any]])
        #expect(labels.count == 5 && labels[4][0] as? String == "00000/img00000004.png")
        #expect((labels[0][1] as? [Double])?.count == 32)

        let again = folder.appendingPathComponent("again.zip")
        #expect(try Toon.run(["dataset", "synth", "--count", "5", "--resolution", "32", "--style", "anime",
                              "--out", again.path, "--seed", "3"]).status == 0)
        #expect(try Data(contentsOf: out) == Data(contentsOf: again))
        let flat = folder.appendingPathComponent("flat.zip")
        #expect(try Toon.run(["dataset", "synth", "--count", "5", "--resolution", "32", "--style", "flat",
                              "--out", flat.path, "--seed", "3"]).status == 0)
        #expect(try Data(contentsOf: out) != Data(contentsOf: flat))
    }

    @Test("usage errors exit with 64 and write nothing", arguments: [
        (["--count", "0", "--resolution", "32", "--style", "flat"], "--count"),
        (["--count", "1000001", "--resolution", "32", "--style", "flat"], "--count"),
        (["--count", "2", "--resolution", "48", "--style", "flat"], "power of two"),
        (["--count", "2", "--resolution", "4", "--style", "flat"], "power of two"),
        (["--count", "2", "--resolution", "2048", "--style", "flat"], "power of two"),
        (["--count", "2", "--resolution", "32", "--style", "cubist"], "cubist"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let folder = Toon.temporaryFolder()
        let result = try Toon.run(["dataset", "synth"] + arguments + ["--out", folder.appendingPathComponent("x.zip").path])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("an unwritable destination is one line naming the file, exit 1, nothing left")
    func unwritable() throws {
        let folder = Toon.temporaryFolder()
        let out = folder.appendingPathComponent("missing/x.zip")
        let result = try Toon.run(["dataset", "synth", "--count", "2", "--resolution", "16", "--style", "shaded", "--out", out.path])
        #expect(result.status == 1)
        // The plan names what is wrong: the folder that is missing (house rules, docs/cli-rules.md).
        #expect(result.stderr.hasPrefix("toon: ") && result.stderr.contains(out.deletingLastPathComponent().path + ": no such file"),
                "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
